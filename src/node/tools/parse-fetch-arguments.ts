import { AgentboxError } from '../../errors/agentbox-error.js';

export interface HttpFetchArgs {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface ParsedFetchArgs {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Set by the HTTP client from the URL and body; letting a model set them invites smuggling. */
const reservedHeaders = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'keep-alive']);

/** Checks `http_fetch` arguments; the executor validates the schema too, but tools can be called directly. */
export function parseFetchArguments(args: Record<string, unknown>, maxBytes: number): ParsedFetchArgs {
  const { url: rawUrl, method: rawMethod = 'GET', headers: rawHeaders = {}, body } = args;
  if (typeof rawUrl !== 'string') throw invalid('"url" must be a string');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw invalid(`"${rawUrl}" is not an absolute URL`);
  }
  if (typeof rawMethod !== 'string' || !methods.has(rawMethod.toUpperCase())) {
    throw invalid(`"method" must be one of ${[...methods].join(', ')}`);
  }
  const method = rawMethod.toUpperCase();
  if (typeof rawHeaders !== 'object' || rawHeaders === null || Array.isArray(rawHeaders)) throw invalid('"headers" must be an object of strings');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawHeaders)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw invalid(`"${name}" is not a valid header name`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) throw invalid(`header "${name}" must be a string without line breaks`);
    if (reservedHeaders.has(name.toLowerCase())) throw invalid(`header "${name}" is set by http_fetch itself`);
    headers[name] = value;
  }
  if (body !== undefined && typeof body !== 'string') throw invalid('"body" must be a string');
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) throw invalid(`a ${method} request has no body`);
  if (body !== undefined && new TextEncoder().encode(body).byteLength > maxBytes) throw invalid(`"body" is larger than ${maxBytes} bytes`);
  return { url, method, headers, body };
}

function invalid(message: string): AgentboxError {
  return new AgentboxError('TOOL_ARGS_INVALID', message);
}
