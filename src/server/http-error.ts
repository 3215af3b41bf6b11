import { AgentboxError, serializeError, type SerializedError } from '../errors/agentbox-error.js';

/**
 * The one place an error code becomes an HTTP status (the server edge). Anything that is
 * not an agentbox error is a bug: 500, with a generic message so internals do not leak.
 */
export function statusForCode(code: string): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'CONFIG_INVALID':
    case 'TOOL_ARGS_INVALID':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'SESSION_NOT_FOUND':
    case 'NOT_FOUND':
      return 404;
    case 'SESSION_BUSY':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'RATE_LIMITED':
      return 429;
    case 'UNAVAILABLE':
      return 503;
    default:
      return code.startsWith('LLM_') ? 502 : 500;
  }
}

export interface ErrorBody {
  error: SerializedError;
}

/** The response body and status for any thrown value. */
export function errorResponseParts(error: unknown): { status: number; body: ErrorBody } {
  if (!AgentboxError.isInstance(error)) {
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal server error' } } };
  }
  return { status: statusForCode(error.code), body: { error: serializeError(error) } };
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
