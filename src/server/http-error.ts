import { AgentboxError, serializeError, type ErrorCode, type SerializedError } from '../errors/agentbox-error.js';

/**
 * The one place an error code becomes an HTTP status (the server edge). A `Record`, so the
 * compiler refuses a new code until it has a status here.
 */
const statusByCode: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  CONFIG_INVALID: 400,
  TOOL_ARGS_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  HOST_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  SESSION_NOT_FOUND: 404,
  NOT_FOUND: 404,
  SESSION_BUSY: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  LLM_UNREACHABLE: 502,
  LLM_HTTP: 502,
  LLM_PROTOCOL: 502,
  LLM_TIMEOUT: 502,
  UNAVAILABLE: 503,
  TOOL_NOT_FOUND: 500,
  TOOL_TIMEOUT: 500,
  TOOL_FAILED: 500,
  TOOL_DENIED: 500,
  TOOL_PATH_DENIED: 500,
  TOOL_HOST_DENIED: 500,
  TOOL_RESPONSE_TOO_LARGE: 500,
  MAX_STEPS: 500,
  CANCELLED: 500,
  ILLEGAL_TRANSITION: 500,
  STORE_FAILED: 500,
  STORE_CONFLICT: 500,
  CHANNEL_CLOSED: 500,
  SANDBOX_MEMORY_LIMIT: 500,
  SANDBOX_OUTPUT_LIMIT: 500,
  WASM_LOAD_FAILED: 500,
  WORKFLOW_INVALID: 400,
  WORKFLOW_FAULTED: 500,
  WORKFLOW_RUN_NOT_FOUND: 404,
  WORKFLOW_RUN_BUSY: 409,
};

/** The HTTP status of an error code; 500 for a code that is not agentbox's. */
export function statusForCode(code: string): number {
  return Object.hasOwn(statusByCode, code) ? statusByCode[code as ErrorCode] : 500;
}

/**
 * Whether the client may read the error's own message. A 500 is the service failing, and
 * its message is for the operator: a store error names the database file and the SQLite
 * failure. The LLM errors (502) and UNAVAILABLE (503) are about the client's request and
 * already redacted (no keys; URLs without userinfo or query).
 */
export function isInternalError(error: unknown): boolean {
  return !AgentboxError.isInstance(error) || statusForCode(error.code) === 500;
}

export interface ErrorBody {
  error: SerializedError;
}

/**
 * The response body and status for any thrown value. An internal failure keeps its stable
 * code but gets a generic message: the full error goes to the server log (see
 * `ServerAppOptions.onInternalError`), never to the client.
 */
export function errorResponseParts(error: unknown): { status: number; body: ErrorBody } {
  if (!AgentboxError.isInstance(error)) {
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal server error' } } };
  }
  const status = statusForCode(error.code);
  if (status === 500) return { status, body: { error: { code: error.code, message: 'internal server error; the service log has the details' } } };
  return { status, body: { error: serializeError(error) } };
}

/** A JSON error response; 429 carries Retry-After from `details.retryAfterSeconds`. */
export function errorResponse(error: unknown): Response {
  const { status, body } = errorResponseParts(error);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  const retryAfter = body.error.details?.retryAfterSeconds;
  if (status === 429 && typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="agentbox"';
  return new Response(JSON.stringify(body), { status, headers });
}
