import { AgentboxError, type AgentboxErrorOptions, type ErrorCode } from './agentbox-error.js';

type LlmErrorCode = Extract<ErrorCode, 'LLM_UNREACHABLE' | 'LLM_HTTP' | 'LLM_PROTOCOL' | 'LLM_TIMEOUT'>;

export interface LlmErrorOptions {
  cause?: unknown;
  /** `reason`: what broke the connection; `serverMessage`: the LLM's own (redacted) error text. */
  details?: { reason?: string; serverMessage?: string };
  /** The LLM's HTTP status (LLM_HTTP); also put in `details.status`. */
  status?: number;
  /** Whether a retry may succeed (429, 5xx, connection errors). */
  retryable?: boolean;
  /** Server-requested delay (from Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

/** A failure talking to a language model. `status` is set for LLM_HTTP. */
export class LlmError<C extends LlmErrorCode = LlmErrorCode> extends AgentboxError<C> {
  readonly status: number | undefined;
  /** Whether a retry may succeed (429, 5xx, connection errors). */
  readonly retryable: boolean;
  /** Server-requested delay (from Retry-After), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(code: C, message: string, options: LlmErrorOptions = {}) {
    const details = { ...options.details, ...(options.status !== undefined ? { status: options.status } : {}) };
    // The shapes line up (LLM_HTTP: status + serverMessage; the others: reason), but per
    // code only at run time: `status` is given exactly when the code is LLM_HTTP.
    super(code, message, { ...(options.cause !== undefined ? { cause: options.cause } : {}), details } as AgentboxErrorOptions<C>);
    this.name = 'LlmError';
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}
