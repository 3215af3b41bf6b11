import { AgentboxError, serializeError, type ErrorCode, type SerializedError } from '../errors/agentbox-error.js';
import { openAiErrorBody, type OpenAiErrorBody } from './openai-error.js';

/** Every status an error can be answered with (`openai-error.ts` maps each to an OpenAI `type`). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502 | 503;

/**
 * The one place an error code becomes an HTTP status (the server edge). A `Record`, so the
 * compiler refuses a new code until it has a status here (`http-error.test-d.ts` proves it).
 */
export const statusByCode: Readonly<Record<ErrorCode, ErrorStatus>> = {
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
  // The session exists but is a tool-call log: the request conflicts with what it is.
  SESSION_NOT_CONVERSATION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  LLM_UNREACHABLE: 502,
  LLM_HTTP: 502,
  LLM_PROTOCOL: 502,
  LLM_TIMEOUT: 502,
  UNAVAILABLE: 503,
  // An upstream MCP server refuses us until someone logs in: the gateway's credentials, not the client's request.
  MCP_LOGIN_REQUIRED: 502,
  // Seen only inside a tool's failure (the server's sampling was refused): a tool error like the others.
  MCP_SAMPLING_REFUSED: 500,
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
  INTERRUPTED: 500,
  INTERNAL: 500,
  WORKFLOW_INVALID: 400,
  WORKFLOW_FAULTED: 500,
  WORKFLOW_RUN_NOT_FOUND: 404,
  WORKFLOW_RUN_BUSY: 409,
  WORKFLOW_RUN_FINISHED: 409,
  PROMPT_INVALID: 400,
  // The upstream model's answer was unusable, as with its protocol errors: a bad gateway, not the client's fault.
  OUTPUT_INVALID: 502,
  // The session (or its input) is too long for the model: the request, not the upstream, is at fault.
  CONTEXT_OVERFLOW: 413,
};

/**
 * The HTTP status of an error code. `hasOwn`, not a fallback for codes we do not know: a
 * code from a duplicated older copy of the package, or off the wire, is still a 500.
 */
export function statusForCode(code: ErrorCode): ErrorStatus {
  return Object.hasOwn(statusByCode, code) ? statusByCode[code] : 500;
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

/** agentbox's own error body: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  error: SerializedError;
}

/**
 * Which body an error gets: agentbox's, or OpenAI's `ErrorResponse` on the routes an OpenAI
 * client calls (`/v1/chat/completions`, `/v1/models…`), whose SDKs read `error.type`,
 * `error.param` and `error.code` and would see `undefined` in ours.
 */
export type ErrorShape = 'agentbox' | 'openai';

/**
 * The response body and status for any thrown value. An internal failure keeps its stable
 * code but gets a generic message: the full error goes to the server log (see
 * `ServerAppOptions.onInternalError`), never to the client.
 */
export function errorResponseParts(error: unknown): { status: ErrorStatus; body: ErrorBody } {
  if (!AgentboxError.isInstance(error)) {
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal server error' } } };
  }
  const status = statusForCode(error.code);
  if (status === 500) return { status, body: { error: { code: error.code, message: 'internal server error; the service log has the details' } } };
  return { status, body: { error: serializeError(error) } };
}

/** The body for `shape`: the same status and redaction, OpenAI's layout when asked for. */
export function errorBodyFor(error: unknown, shape: ErrorShape): { status: ErrorStatus; body: ErrorBody | OpenAiErrorBody } {
  const parts = errorResponseParts(error);
  return shape === 'openai' ? { status: parts.status, body: openAiErrorBody(parts.body.error, parts.status) } : parts;
}

/** A JSON error response; 429 carries Retry-After from `details.retryAfterSeconds`. */
export function errorResponse(error: unknown, shape: ErrorShape = 'agentbox'): Response {
  const { status, body } = errorBodyFor(error, shape);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  // Off the wire (a duplicated copy, a worker) the details are not checked: test them.
  const retryAfter = AgentboxError.isInstance(error, 'RATE_LIMITED') ? error.details?.retryAfterSeconds : undefined;
  if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="agentbox"';
  return new Response(JSON.stringify(body), { status, headers });
}
