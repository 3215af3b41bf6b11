/**
 * The one error hierarchy of agentbox. Every error a caller can see carries a stable
 * `code`; HTTP status codes and exit codes are chosen at the edges from that code.
 */
import type { ValidationIssue } from './validation-issue.js';

/**
 * Extra machine-readable facts of a code without a fixed shape (never secrets). Readers
 * test what they find; a code whose details an edge or a client relies on gets its own
 * shape in `ErrorDetailsByCode` instead.
 */
export type OpenDetails = Record<string, unknown>;

/** What an input error says about the input: which values are bad, when it knows. */
export type InvalidInputDetails = OpenDetails & {
  issues?: ValidationIssue[];
  /** Set when the body nested past the server's limit. */
  maxDepth?: number;
};

/**
 * Every error code, with the `details` it carries: the keys of this interface are the
 * codes (`ErrorCode`), so a new code cannot exist without saying what its details are.
 * `| undefined` means the details may be left out; a code whose edge reads them
 * (Retry-After from RATE_LIMITED, the field of a 400) requires them.
 */
export interface ErrorDetailsByCode {
  /** `ConfigError` always sets `issues`; a bare CONFIG_INVALID (a bad flag, a missing file) may say it all in the message. */
  CONFIG_INVALID: { issues: ValidationIssue[]; source?: string | undefined } | undefined;
  LLM_UNREACHABLE: { reason?: string } | undefined;
  /** `status` is the LLM's HTTP status; `serverMessage` its redacted error text. */
  LLM_HTTP: { status: number; serverMessage?: string };
  LLM_PROTOCOL: { reason?: string } | undefined;
  LLM_TIMEOUT: { reason?: string } | undefined;
  TOOL_NOT_FOUND: OpenDetails | undefined;
  /** `errors` as the JSON Schema validator reports them (`path` is a JSON pointer). */
  TOOL_ARGS_INVALID: { errors: Array<{ path: string; keyword: string; message: string }> } | undefined;
  TOOL_TIMEOUT: (OpenDetails & { timeoutMs?: number }) | undefined;
  TOOL_FAILED: OpenDetails | undefined;
  TOOL_DENIED: OpenDetails | undefined;
  /** A native file tool was asked for a path outside its granted roots (or to write a read-only one); also a path that changed into a symlink while it was being opened below a root. */
  TOOL_PATH_DENIED: OpenDetails | undefined;
  /** `http_fetch` was asked for (or redirected to) a host or scheme it was not granted. */
  TOOL_HOST_DENIED: OpenDetails | undefined;
  /** A response a tool was reading grew past its size cap. */
  TOOL_RESPONSE_TOO_LARGE: OpenDetails | undefined;
  MAX_STEPS: { maxSteps: number };
  CANCELLED: OpenDetails | undefined;
  ILLEGAL_TRANSITION: { from: string; to: string };
  SESSION_NOT_FOUND: undefined;
  SESSION_BUSY: OpenDetails | undefined;
  /** A turn asked of a session that is not a conversation: a log of tool calls made over MCP, whose tool results answer no model call. */
  SESSION_NOT_CONVERSATION: undefined;
  STORE_FAILED: OpenDetails | undefined;
  /** A seq gap or duplicate on append: another writer got there first, or a bug. */
  STORE_CONFLICT: { sessionId: string; expectedSeq: number; seq: number } | undefined;
  CHANNEL_CLOSED: OpenDetails | undefined;
  /** A sandboxed tool grew its memory past its ceiling (or asked for more at load). */
  SANDBOX_MEMORY_LIMIT: OpenDetails | undefined;
  /** A sandboxed tool wrote more output than it is allowed to. */
  SANDBOX_OUTPUT_LIMIT: OpenDetails | undefined;
  /** A WebAssembly module could not be loaded: bad bytes, missing export, unknown import. */
  WASM_LOAD_FAILED: OpenDetails | undefined;
  /** Bad input from a caller; `issues` name the values when they are known (always on the server's 400s). */
  INVALID_INPUT: InvalidInputDetails | undefined;
  /** A service request without a valid API key. */
  UNAUTHENTICATED: undefined;
  /** The caller's roles do not grant the permission the request needs. */
  FORBIDDEN: { permission: string };
  /** A request whose `Host` is not one the service answers to (DNS rebinding defence). */
  HOST_NOT_ALLOWED: undefined;
  /** In local mode, a browser request from a page of another origin (cross-site request forgery defence). */
  ORIGIN_NOT_ALLOWED: undefined;
  /** A request body that is not `application/json` on a JSON route. */
  UNSUPPORTED_MEDIA_TYPE: { expected: 'application/json'; received?: string };
  /** A request body over the configured size limit. */
  PAYLOAD_TOO_LARGE: { limitBytes: number };
  /** Too many requests for one API key. */
  RATE_LIMITED: { retryAfterSeconds: number };
  /** No such route, or nothing to act on (e.g. no pending approval with that id); `param` names the input that found nothing. */
  NOT_FOUND: { param?: string } | undefined;
  /** The service is shutting down and takes no new work. */
  UNAVAILABLE: undefined;
  /** A turn found unfinished when its session was next used: the process running it died. */
  INTERRUPTED: undefined;
  /** An MCP server that needs OAuth has no usable grant for this principal: `agentbox mcp login <server>` gets one. */
  MCP_LOGIN_REQUIRED: { server: string; principal: string };
  /** An MCP server's sampling request was not run: its budget is spent, it asked for what agentbox does not do, or no model is at hand. */
  MCP_SAMPLING_REFUSED: { server: string; usedTokens?: number; budgetTokens?: number };
  /** Something that is not an agentbox error was thrown: a bug, or a dependency failing. */
  INTERNAL: undefined;
  /** A workflow definition failed validation; `issues` name each task path. */
  WORKFLOW_INVALID: (OpenDetails & { issues?: ValidationIssue[] }) | undefined;
  /** A workflow run ended with an error; `problem` is its RFC 7807 object. */
  WORKFLOW_FAULTED: OpenDetails | undefined;
  /** No workflow run with that id. */
  WORKFLOW_RUN_NOT_FOUND: undefined;
  /** Another process holds the run's lease (it is running or resuming it). */
  WORKFLOW_RUN_BUSY: undefined;
  /** The workflow run has already ended (completed, faulted or cancelled): it cannot be cancelled. */
  WORKFLOW_RUN_FINISHED: { status: string } | undefined;
  /** A prompt file that cannot be used: bad YAML front matter, a key of the wrong shape, a missing partial, a template that does not compile. */
  PROMPT_INVALID: { issues: ValidationIssue[]; file?: string };
  /** The model's structured answer did not match the declared output schema, even after one retry; `issues` name the paths. */
  OUTPUT_INVALID: { issues: ValidationIssue[] };
  /** The request would not fit the model's context window (`tokens` counted, `exact: false` for an estimate, beside the window and the reserved output). */
  CONTEXT_OVERFLOW: { tokens: number; exact: boolean; contextWindow: number; reservedOutput: number };
}

export type ErrorCode = keyof ErrorDetailsByCode;

/** A code's details as read off an error: its shape, open to keys it does not name. */
type Readable<T> = T extends undefined ? undefined : T & OpenDetails;

/**
 * The details of `C` as an error holds them. Open to unnamed keys so that, for a code not
 * known statically (`AgentboxError` without a code), any key still reads as `unknown`;
 * writing them (the constructor) is checked against the closed shape in `ErrorDetailsByCode`.
 * A mapped type rather than a conditional on `C`: indexed access keeps `AgentboxError<'X'>`
 * assignable to `AgentboxError`.
 */
type ReadableDetailsByCode = { [K in ErrorCode]: Readable<ErrorDetailsByCode[K]> };
export type ErrorDetails<C extends ErrorCode = ErrorCode> = ReadableDetailsByCode[C];

/** `cause`, and `details` of the code's shape — required where the shape is. */
export type AgentboxErrorOptions<C extends ErrorCode = ErrorCode> = { cause?: unknown } & (undefined extends ErrorDetailsByCode[C]
  ? { details?: ErrorDetailsByCode[C] }
  : { details: ErrorDetailsByCode[C] });

/** The constructor's options: optional unless the code's details are required. */
type OptionsArgument<C extends ErrorCode> = undefined extends ErrorDetailsByCode[C] ? [options?: AgentboxErrorOptions<C>] : [options: AgentboxErrorOptions<C>];

const marker = Symbol.for('agentbox.error');

/**
 * @example
 * throw new AgentboxError('RATE_LIMITED', 'slow down', { details: { retryAfterSeconds: 3 } });
 * if (AgentboxError.isInstance(error, 'RATE_LIMITED')) wait(error.details.retryAfterSeconds);
 */
export class AgentboxError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly details: ErrorDetails<C>;
  // Read through the symbol by `isInstance`, so a duplicated copy of the package still matches.
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read via the symbol in isInstance
  private readonly [marker] = true;

  constructor(code: C, message: string, ...[options]: OptionsArgument<C>) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentboxError';
    this.code = code;
    this.details = options?.details as ErrorDetails<C>;
  }

  /**
   * True for agentbox errors (with `code`, of that code), even from a duplicated copy of
   * the package. With a code, `details` has that code's shape.
   */
  static isInstance<K extends ErrorCode = ErrorCode>(error: unknown, code?: K): error is AgentboxError<K> {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[marker] === true &&
      (code === undefined || (error as AgentboxError).code === code)
    );
  }

  /** A plain object safe to store in an event or send to a client. */
  toJSON(): SerializedError<C> {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } as SerializedError<C>;
  }
}

/**
 * An error as data (events, worker messages, response bodies). Its details have the code's
 * shape when `C` is one code; for any code they read as an open record, as on the error.
 */
export interface SerializedError<C extends ErrorCode = ErrorCode> {
  code: C;
  message: string;
  details?: Exclude<ErrorDetails<C>, undefined>;
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
    ((error as Error).name === 'AbortError' || AgentboxError.isInstance(error, 'CANCELLED'))
  );
}
