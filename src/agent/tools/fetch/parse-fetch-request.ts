import { AgentboxError } from '../../../errors/agentbox-error.js';

/** A fetch as a caller (a model's `http_fetch` arguments, a script's `host.fetch`) asks for it. */
export interface FetchRequestInput {
  url: unknown;
  method?: unknown;
  headers?: unknown;
  body?: unknown;
}

export interface FetchRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface ParseFetchRequestOptions {
  /** Largest request body in bytes. */
  maxBytes: number;
  /** Who is fetching, for messages (`http_fetch`, `fetch`). */
  caller: string;
}

export const fetchMethods: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const methods = new Set(fetchMethods);
/** Set by the HTTP client from the URL and body; letting a caller set them invites smuggling. */
const reservedHeader = /^(host|content-length|transfer-encoding|connection|upgrade|te|trailer|keep-alive|proxy-.*)$/i;
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Checks a fetch before anything is sent: an absolute URL, a known method, header names
 * and values that cannot split a request, no framing headers, a bounded body. Both
 * `http_fetch` and a script's `host.fetch` come through here, so both refuse the same things.
 */
export function parseFetchRequest(input: FetchRequestInput, options: ParseFetchRequestOptions): FetchRequest {
  const { url: rawUrl, method: rawMethod = 'GET', headers: rawHeaders = {}, body } = input;
  if (typeof rawUrl !== 'string') throw invalid('"url" must be a string');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw invalid(`"${rawUrl.slice(0, 200)}" is not an absolute URL`);
  }
  if (typeof rawMethod !== 'string' || !methods.has(rawMethod.toUpperCase())) {
    throw invalid(`"method" must be one of ${fetchMethods.join(', ')}`);
  }
  const method = rawMethod.toUpperCase();
  if (typeof rawHeaders !== 'object' || rawHeaders === null || Array.isArray(rawHeaders)) throw invalid('"headers" must be an object of strings');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawHeaders as Record<string, unknown>)) {
    if (!headerName.test(name)) throw invalid(`"${name.slice(0, 100)}" is not a valid header name`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) throw invalid(`header "${name}" must be a string without line breaks`);
    if (reservedHeader.test(name)) throw invalid(`header "${name}" is set by ${options.caller} itself`);
    headers[name] = value;
  }
  if (body !== undefined && typeof body !== 'string') throw invalid('"body" must be a string');
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) throw invalid(`a ${method} request has no body`);
  if (body !== undefined && new TextEncoder().encode(body).byteLength > options.maxBytes) {
    throw invalid(`"body" is larger than ${options.maxBytes} bytes`);
  }
  return { url, method, headers, body };
}

function invalid(message: string): AgentboxError {
  return new AgentboxError('TOOL_ARGS_INVALID', message);
}
