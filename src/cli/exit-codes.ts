import { AgentboxError } from '../errors/agentbox-error.js';

/** Exit codes of the `agentbox` command (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** An unexpected internal error. */
  internal: 1,
  /** Bad usage, bad input or invalid configuration. */
  usage: 2,
  /** A permission check said no (`auth check`). */
  denied: 3,
  /** The LLM could not be reached or answered with an error. */
  llm: 4,
  /** The agent stopped without an answer (MAX_STEPS) or a tool/sandbox failed. */
  agent: 5,
  /** No such session. */
  notFound: 6,
  /** Interrupted (Ctrl-C). */
  cancelled: 130,
} as const;

export function exitCodeFor(error: unknown): number {
  if (!AgentboxError.isInstance(error)) return ExitCode.internal;
  switch (error.code) {
    case 'CONFIG_INVALID':
    case 'INVALID_INPUT':
      return ExitCode.usage;
    case 'LLM_UNREACHABLE':
    case 'LLM_HTTP':
    case 'LLM_PROTOCOL':
    case 'LLM_TIMEOUT':
      return ExitCode.llm;
    case 'SESSION_NOT_FOUND':
    case 'WORKFLOW_RUN_NOT_FOUND':
      return ExitCode.notFound;
    case 'WORKFLOW_INVALID':
      return ExitCode.usage;
    case 'WORKFLOW_FAULTED':
      return ExitCode.agent;
    case 'CANCELLED':
      return ExitCode.cancelled;
    case 'TOOL_DENIED':
      return ExitCode.denied;
    default:
      return error.code.startsWith('TOOL_') || error.code.startsWith('SANDBOX_') || error.code === 'MAX_STEPS' ? ExitCode.agent : ExitCode.internal;
  }
}
