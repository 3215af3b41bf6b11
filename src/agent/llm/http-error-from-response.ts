import { LlmError } from '../../errors/index.js';
import type { Redact } from './create-redactor.js';
import { parseRetryAfter } from './parse-retry-after.js';

/** Statuses worth retrying: timeout, conflict, rate limit, and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

const MAX_ERROR_BODY_CHARS = 2_000;

/**
 * Builds the LLM_HTTP error for a non-2xx answer, with the server's own message when it
 * sends one (`{error:{message}}` from OpenAI, `{error:"..."}` from Ollama, `{detail}` from
 * some Python servers, else the start of the body).
 */
export async function httpErrorFromResponse(options: { response: Response; url: string; redact: Redact }): Promise<LlmError> {
  const { response, url, redact } = options;
  const status = response.status;
  let body = '';
  try {
    body = await response.text();
  } catch {
    // The status alone is still a useful error.
  }
  const serverMessage = redact(extractMessage(body) ?? (body.trim() || response.statusText), MAX_ERROR_BODY_CHARS);
  const hint = hintFor(status);
  const retryAfterMs = parseRetryAfter(response.headers);
  return new LlmError('LLM_HTTP', `the LLM at ${url} answered HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}${hint ? ` (${hint})` : ''}`, {
    status,
    retryable: isRetryableStatus(status),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(serverMessage ? { details: { serverMessage } } : {}),
  });
}

function extractMessage(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as Record<string, unknown>).message === 'string') {
    return (error as Record<string, string>).message;
  }
  if (typeof record.message === 'string') return record.message;
  if (typeof record.detail === 'string') return record.detail;
  return undefined;
}

function hintFor(status: number): string | undefined {
  if (status === 401 || status === 403) return 'check OPENAI_API_KEY or llm.apiKey';
  if (status === 404) return 'check the base URL (it usually ends in /v1) and the model name (AGENTBOX_MODEL)';
  return undefined;
}
