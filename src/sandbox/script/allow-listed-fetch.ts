/**
 * The `fetch` capability a script may be granted: the guarded fetch that `http_fetch`
 * uses too (`src/agent/tools/fetch/`), with the guest's `(url, init)` arguments and the
 * body as text.
 */
import { guardedFetch } from '../../agent/tools/fetch/guarded-fetch.js';
import { parseFetchRequest } from '../../agent/tools/fetch/parse-fetch-request.js';
import type { HostFunction, JsonValue } from './script-sandbox.js';

export interface AllowListedFetchOptions {
  /** Host patterns (`src/auth/host-pattern.ts`); an empty list allows nothing. */
  hosts: readonly string[];
  /** Largest response body read; past it the call fails. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Largest request body. Default 1 MiB. */
  maxRequestBytes?: number;
  /** Per-request deadline, redirects included (the run's deadline applies too). Default 10 s. */
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
  const policy = {
    hosts: options.hosts,
    maxResponseBytes,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxRedirects: options.maxRedirects ?? 5,
    caller: 'fetch',
    fetch: options.fetch,
  };
  return async ({ args, signal }) => {
    const [url, rawInit] = args;
    const init = rawInit && typeof rawInit === 'object' && !Array.isArray(rawInit) ? rawInit : {};
    const request = parseFetchRequest({ url, method: init.method, headers: init.headers, body: init.body }, { maxBytes: maxRequestBytes, caller: 'fetch' });
    const result = await guardedFetch(request, { ...policy, signal });
    const response: GuestFetchResponse = { url: result.url, status: result.status, headers: result.headers, body: new TextDecoder().decode(result.body) };
    return response as unknown as JsonValue;
  };
}
