/**
 * The one error hierarchy of agentbox. Every error a caller can see carries a stable
 * `code`; HTTP status codes and exit codes are chosen at the edges from that code.
 */

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'LLM_UNREACHABLE'
  | 'LLM_HTTP'
  | 'LLM_PROTOCOL'
  | 'LLM_TIMEOUT'
  | 'TOOL_NOT_FOUND'
  | 'TOOL_ARGS_INVALID'
  | 'TOOL_TIMEOUT'
  | 'TOOL_FAILED'
  | 'TOOL_DENIED'
  /** A native file tool was asked for a path outside its granted roots (or to write a read-only one); also a path that changed into a symlink while it was being opened below a root. */
  | 'TOOL_PATH_DENIED'
  /** `http_fetch` was asked for (or redirected to) a host or scheme it was not granted. */
  | 'TOOL_HOST_DENIED'
  /** A response a tool was reading grew past its size cap. */
  | 'TOOL_RESPONSE_TOO_LARGE'
  | 'MAX_STEPS'
  | 'CANCELLED'
  | 'ILLEGAL_TRANSITION'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_BUSY'
  | 'STORE_FAILED'
  /** A seq gap or duplicate on append: another writer got there first, or a bug. */
  | 'STORE_CONFLICT'
  | 'CHANNEL_CLOSED'
  /** A sandboxed tool grew its memory past its ceiling (or asked for more at load). */
  | 'SANDBOX_MEMORY_LIMIT'
  /** A sandboxed tool wrote more output than it is allowed to. */
  | 'SANDBOX_OUTPUT_LIMIT'
  /** A WebAssembly module could not be loaded: bad bytes, missing export, unknown import. */
  | 'WASM_LOAD_FAILED'
  | 'INVALID_INPUT'
  /** A service request without a valid API key. */
  | 'UNAUTHENTICATED'
  /** The caller's roles do not grant the permission the request needs. */
  | 'FORBIDDEN'
  /** A request whose `Host` is not one the service answers to (DNS rebinding defence). */
  | 'HOST_NOT_ALLOWED'
  /** In local mode, a browser request from a page of another origin (cross-site request forgery defence). */
  | 'ORIGIN_NOT_ALLOWED'
  /** A request body that is not `application/json` on a JSON route. */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** A request body over the configured size limit. */
  | 'PAYLOAD_TOO_LARGE'
  /** Too many requests for one API key; `details.retryAfterSeconds` says when to retry. */
  | 'RATE_LIMITED'
  /** No such route, or nothing to act on (e.g. no pending approval with that id). */
  | 'NOT_FOUND'
  /** The service is shutting down and takes no new work. */
  | 'UNAVAILABLE'
  /** A workflow definition failed validation; `details.issues` name each task path. */
  | 'WORKFLOW_INVALID'
  /** A workflow run ended with an error; `details.problem` is its RFC 7807 object. */
  | 'WORKFLOW_FAULTED'
  /** No workflow run with that id. */
  | 'WORKFLOW_RUN_NOT_FOUND'
  /** Another process holds the run's lease (it is running or resuming it). */
  | 'WORKFLOW_RUN_BUSY';

const marker = Symbol.for('agentbox.error');

export interface AgentboxErrorOptions {
  cause?: unknown;
  /** Extra machine-readable facts (never secrets). */
  details?: Record<string, unknown>;
}

export class AgentboxError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  private readonly [marker] = true;

  constructor(code: ErrorCode, message: string, options: AgentboxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentboxError';
    this.code = code;
    this.details = options.details;
  }

  /** True for agentbox errors, even from a duplicated copy of the package. */
  static isInstance(error: unknown): error is AgentboxError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }

  /** A plain object safe to store in an event or send to a client. */
  toJSON(): SerializedError {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export interface SerializedError {
  code: ErrorCode | string;
  message: string;
  details?: Record<string, unknown>;
}

/** Normalizes anything thrown into an event-safe shape. */
export function serializeError(error: unknown): SerializedError {
  if (AgentboxError.isInstance(error)) return error.toJSON();
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}

export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof Error || (typeof error === 'object' && error !== null)) &&
    ((error as Error).name === 'AbortError' || (AgentboxError.isInstance(error) && error.code === 'CANCELLED'))
  );
}
