/**
 * The `fetch` capability a script may be granted: HTTP(S) to allow-listed hosts only,
 * redirects followed by hand so every hop is checked, bodies as text with a size cap.
 */
import { isUrlAllowed } from './host-allow-list.js';
import type { HostFunction, JsonValue } from './script-sandbox.js';

export interface AllowListedFetchOptions {
  /** `host`, `host:port` or `*.domain` entries; an empty list allows nothing. */
  hosts: readonly string[];
  /** Largest response body read; past it the call fails. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Largest request body. Default 1 MiB. */
  maxRequestBytes?: number;
  /** Per-request deadline (the run's deadline applies too). Default 10 s. */
  timeoutMs?: number;
  maxRedirects?: number;
  /** The fetch to use; default the platform's. */
  fetch?: typeof fetch;
}

/** What the guest gets back from `await host.fetch(url, init)`. */
export interface GuestFetchResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
// Headers that would let a script address another host or smuggle a request.
const DROPPED_HEADERS = /^(host|connection|content-length|transfer-encoding|keep-alive|upgrade|te|trailer|proxy-.*)$/i;

/**
 * @example
 * ```ts
 * const host = { fetch: createAllowListedFetch({ hosts: ['api.example.com'] }) };
 * // in the script: const res = await host.fetch('https://api.example.com/v1/items'); JSON.parse(res.body)
 * ```
 */
export function createAllowListedFetch(options: AllowListedFetchOptions): HostFunction {
  const maxResponseBytes = options.maxResponseBytes ?? 1_048_576;
  const maxRequestBytes = options.maxRequestBytes ?? 1_048_576;
  const maxRedirects = options.maxRedirects ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async ({ args, signal }) => {
    const request = parseRequest(args, maxRequestBytes);
    const fetcher = options.fetch ?? globalThis.fetch;
    const combined = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    let { url, method, body } = request;
    for (let hop = 0; ; hop += 1) {
      if (!isUrlAllowed(url, options.hosts)) throw new Error(`fetch to ${url.host || url.href} is not allowed for this tool`);
      const response = await fetcher(url, { method, headers: request.headers, body, redirect: 'manual', signal: combined });
      if (response.type === 'opaqueredirect') throw new Error('fetch: redirects cannot be checked on this platform');
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        if (hop >= maxRedirects) throw new Error(`fetch: more than ${maxRedirects} redirects`);
        url = new URL(location, url);
        if (response.status !== 307 && response.status !== 308) {
          method = method === 'HEAD' ? 'HEAD' : 'GET';
          body = undefined;
        }
        continue;
      }
      const text = await readCapped(response, maxResponseBytes);
      const result: GuestFetchResponse = {
        url: url.href,
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: text,
      };
      return result as unknown as JsonValue;
    }
  };
}

interface ParsedRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function parseRequest(args: JsonValue[], maxRequestBytes: number): ParsedRequest {
  const [rawUrl, rawInit] = args;
  if (typeof rawUrl !== 'string') throw new Error('fetch(url, init): url must be a string');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new Error(`fetch: invalid URL '${rawUrl.slice(0, 200)}'`);
  }
  if (url.username || url.password) throw new Error('fetch: URLs with credentials are not allowed');
  const init = rawInit && typeof rawInit === 'object' && !Array.isArray(rawInit) ? rawInit : {};
  const method = typeof init.method === 'string' ? init.method.toUpperCase() : 'GET';
  if (!METHODS.has(method)) throw new Error(`fetch: method '${method}' is not allowed`);
  const headers: Record<string, string> = {};
  if (init.headers && typeof init.headers === 'object' && !Array.isArray(init.headers)) {
    for (const [name, value] of Object.entries(init.headers)) {
      if (typeof value === 'string' && !DROPPED_HEADERS.test(name)) headers[name] = value;
    }
  }
  const body = typeof init.body === 'string' ? init.body : undefined;
  if (body !== undefined && new TextEncoder().encode(body).length > maxRequestBytes) {
    throw new Error(`fetch: request body is larger than ${maxRequestBytes} bytes`);
  }
  return { url, method, headers, body };
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw new Error(`fetch: response body is larger than ${maxBytes} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
