import { AgentboxError, type ErrorCode } from '../errors/agentbox-error.js';

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
  /** The session or workflow run is in use by another process: try again when it finishes. */
  busy: 7,
  /** Interrupted (Ctrl-C). */
  cancelled: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code of each error code. A `Record`, so a new code does not compile until it is
 * given one here (`exit-codes.test-d.ts` proves it): no name prefix decides it silently.
 * The service's own refusals (401, 403, 429…) reach the CLI only through `agentbox`
 * commands that act as a client; they are the caller's input or rights, not a bug.
 */
export const exitCodeByCode: Readonly<Record<ErrorCode, ExitCodeValue>> = {
  CONFIG_INVALID: ExitCode.usage,
  INVALID_INPUT: ExitCode.usage,
  UNSUPPORTED_MEDIA_TYPE: ExitCode.usage,
  PAYLOAD_TOO_LARGE: ExitCode.usage,
  LLM_UNREACHABLE: ExitCode.llm,
  LLM_HTTP: ExitCode.llm,
  LLM_PROTOCOL: ExitCode.llm,
  LLM_TIMEOUT: ExitCode.llm,
  TOOL_DENIED: ExitCode.denied,
  UNAUTHENTICATED: ExitCode.denied,
  FORBIDDEN: ExitCode.denied,
  HOST_NOT_ALLOWED: ExitCode.denied,
  ORIGIN_NOT_ALLOWED: ExitCode.denied,
  // Like a missing API key: the caller's credentials, fixed by `agentbox mcp login`.
  MCP_LOGIN_REQUIRED: ExitCode.denied,
  MCP_SAMPLING_REFUSED: ExitCode.agent,
  TOOL_NOT_FOUND: ExitCode.agent,
  TOOL_ARGS_INVALID: ExitCode.agent,
  TOOL_TIMEOUT: ExitCode.agent,
  TOOL_FAILED: ExitCode.agent,
  TOOL_PATH_DENIED: ExitCode.agent,
  TOOL_HOST_DENIED: ExitCode.agent,
  TOOL_RESPONSE_TOO_LARGE: ExitCode.agent,
  SANDBOX_MEMORY_LIMIT: ExitCode.agent,
  SANDBOX_OUTPUT_LIMIT: ExitCode.agent,
  WASM_LOAD_FAILED: ExitCode.agent,
  MAX_STEPS: ExitCode.agent,
  INTERRUPTED: ExitCode.agent,
  SESSION_NOT_FOUND: ExitCode.notFound,
  NOT_FOUND: ExitCode.notFound,
  CANCELLED: ExitCode.cancelled,
  ILLEGAL_TRANSITION: ExitCode.internal,
  SESSION_BUSY: ExitCode.busy,
  // The caller named the wrong session: input, not a failure.
  SESSION_NOT_CONVERSATION: ExitCode.usage,
  STORE_FAILED: ExitCode.internal,
  STORE_CONFLICT: ExitCode.internal,
  CHANNEL_CLOSED: ExitCode.internal,
  RATE_LIMITED: ExitCode.internal,
  UNAVAILABLE: ExitCode.internal,
  INTERNAL: ExitCode.internal,
  WORKFLOW_INVALID: ExitCode.usage,
  WORKFLOW_FAULTED: ExitCode.agent,
  WORKFLOW_RUN_NOT_FOUND: ExitCode.notFound,
  // Another process runs it: retrying later may work, nothing is broken.
  WORKFLOW_RUN_BUSY: ExitCode.busy,
  // `cancel` of a run that ended: the command was wrong, not the run.
  WORKFLOW_RUN_FINISHED: ExitCode.usage,
  // The prompt file is the caller's input, like a bad flag.
  PROMPT_INVALID: ExitCode.usage,
  // The model would not answer in the declared shape: the agent failed, not the caller.
  OUTPUT_INVALID: ExitCode.agent,
  // The turn could not be sent within the model's window: the agent stopped without an answer.
  CONTEXT_OVERFLOW: ExitCode.agent,
};

export function exitCodeFor(error: unknown): ExitCodeValue {
  if (!AgentboxError.isInstance(error)) return ExitCode.internal;
  // hasOwn: a code off the wire or from another copy of the package may be one we do not know.
  return Object.hasOwn(exitCodeByCode, error.code) ? exitCodeByCode[error.code] : ExitCode.internal;
}
