import type { SerializedError } from '../errors/agentbox-error.js';
import type { ErrorStatus } from './http-error.js';

/** The `type` values OpenAI's API answers with (and its SDKs and client libraries know). */
export type OpenAiErrorType = 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'server_error';

/** OpenAI's `ErrorResponse` (`components.schemas.ErrorResponse` in its OpenAPI document). */
export interface OpenAiErrorBody {
  error: { message: string; type: OpenAiErrorType; param: string | null; code: string | null };
}

/**
 * The OpenAI `type` of each status. A `Record` over every status an error can have, so a
 * new status cannot be answered without a type; the status is the code's (`http-error.ts`).
 */
export const typeByStatus: Readonly<Record<ErrorStatus, OpenAiErrorType>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'server_error',
  502: 'server_error',
  503: 'server_error',
};

/** The request input the error is about, as OpenAI names it: `messages.2`, `model`; `body.` and the like dropped. */
function paramOf(error: SerializedError): string | null {
  const details = error.details;
  if (typeof details?.param === 'string') return details.param;
  const issues = error.code === 'INVALID_INPUT' ? (error as SerializedError<'INVALID_INPUT'>).details?.issues : undefined;
  const path = issues?.[0]?.path;
  if (path === undefined) return null;
  const param = path.replace(/^(body|query|params|headers)(\.|$)/, '');
  return param === '' ? null : param;
}

/**
 * An error body (already redacted by `errorResponseParts`) in OpenAI's shape. `code` is
 * agentbox's code as it is: the same string in both shapes, the event log and the server
 * log, so a client, a log search and the README agree (not lower-cased, not renamed to
 * OpenAI's `model_not_found` or `invalid_api_key`: OpenAI's SDKs pick the error class from
 * the status, and `type` carries OpenAI's vocabulary). `details` are left out: OpenAI's
 * `Error` has no such field; what clients act on is in `param`, `code` and `Retry-After`.
 *
 * @example
 * openAiErrorBody({ code: 'NOT_FOUND', message: "The model 'x' does not exist", details: { param: 'model' } }, 404)
 * // → { error: { message: "The model 'x' does not exist", type: 'not_found_error', param: 'model', code: 'NOT_FOUND' } }
 */
export function openAiErrorBody(error: SerializedError, status: ErrorStatus): OpenAiErrorBody {
  return { error: { message: error.message, type: typeByStatus[status], param: paramOf(error), code: error.code } };
}
