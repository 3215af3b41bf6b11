import { AgentboxError, type AgentboxErrorOptions, type ErrorCode } from './agentbox-error.js';

type LlmErrorCode = Extract<ErrorCode, 'LLM_UNREACHABLE' | 'LLM_HTTP' | 'LLM_PROTOCOL' | 'LLM_TIMEOUT'>;

/** A failure talking to a language model. `status` is set for LLM_HTTP. */
export class LlmError extends AgentboxError {
  readonly status: number | undefined;
  /** Whether a retry may succeed (429, 5xx, connection errors). */
  readonly retryable: boolean;
  /** Server-requested delay (from Retry-After), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: LlmErrorCode,
    message: string,
    options: AgentboxErrorOptions & { status?: number; retryable?: boolean; retryAfterMs?: number } = {},
  ) {
    super(code, message, {
      ...options,
      details: { ...options.details, ...(options.status !== undefined ? { status: options.status } : {}) },
    });
    this.name = 'LlmError';
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}
