/**
 * The one fetch a tool may make on a model's or a script's behalf. `http_fetch` and a
 * script's `host.fetch` both call it, so both are held to one policy:
 *
 * - http and https only, no credentials in the URL, the host checked against the granted
 *   host patterns (`src/auth/host-pattern.ts`) before every hop, redirects included;
 * - only 301, 302, 303, 307 and 308 are followed (at most `maxRedirects`); any other 3xx is
 *   the answer;
 * - when a redirect leaves the origin, only safe-listed headers go on (credentials never do);
 * - 303, and 301/302 after a POST, become a GET without a body, as `fetch` does;
 * - one deadline for the whole call, a cap on the decoded response body.
 *
 * Host names are checked, not the addresses they resolve to: DNS rebinding of a granted
 * name is out of scope (SECURITY.md).
 */
import { AgentboxError } from '../../../errors/agentbox-error.js';
import { checkFetchUrl } from './check-fetch-url.js';
import type { FetchRequest } from './parse-fetch-request.js';
import { readCappedBody } from './read-capped-body.js';
import { headersForRedirect } from './redirect-headers.js';

export interface FetchPolicy {
  /** Host patterns the call may reach; empty allows nothing. */
  hosts: readonly string[];
  /** Largest decoded response body. */
  maxResponseBytes: number;
  /** The whole call, redirects and body included. */
  timeoutMs: number;
  maxRedirects: number;
  /** Who is fetching, for messages (`http_fetch`, `fetch`). */
  caller: string;
  signal?: AbortSignal | undefined;
  /** The fetch to use; default the platform's. */
  fetch?: typeof fetch | undefined;
}

export interface FetchResult {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Every URL redirected to, in order. */
  redirects: string[];
}

const followed = new Set([301, 302, 303, 307, 308]);

export async function guardedFetch(request: FetchRequest, policy: FetchPolicy): Promise<FetchResult> {
  const fetcher = policy.fetch ?? globalThis.fetch;
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const signal = policy.signal ? AbortSignal.any([policy.signal, timeout]) : timeout;
  let { url, method, headers, body } = request;
  const redirects: string[] = [];
  try {
    for (;;) {
      checkFetchUrl(url, policy.hosts);
      const response = await fetcher(url, { method, headers, body, redirect: 'manual', signal });
      if (response.type === 'opaqueredirect') {
        throw new AgentboxError('TOOL_FAILED', `${policy.caller}: redirects cannot be checked on this platform`, { details: { url: url.href } });
      }
      const location = response.headers.get('location');
      if (!followed.has(response.status) || location === null) {
        const bytes = await readCappedBody(response, { maxBytes: policy.maxResponseBytes, url: url.href, caller: policy.caller });
        const responseHeaders: Record<string, string> = {};
        response.headers.forEach((value, key) => (responseHeaders[key] = value));
        return { url: url.href, status: response.status, headers: responseHeaders, body: bytes, redirects };
      }
      await response.body?.cancel().catch(() => undefined);
      if (redirects.length >= policy.maxRedirects) {
        throw new AgentboxError('TOOL_FAILED', `${policy.caller}: more than ${policy.maxRedirects} redirects, last to ${location.slice(0, 200)}`);
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new AgentboxError('TOOL_FAILED', `${policy.caller}: redirect to an invalid URL '${location.slice(0, 200)}'`);
      }
      const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST');
      if (toGet) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
      }
      headers = headersForRedirect(headers, { crossOrigin: next.origin !== url.origin, bodyDropped: toGet });
      redirects.push(next.href);
      url = next;
    }
  } catch (error) {
    if (AgentboxError.isInstance(error)) throw error;
    if (timeout.aborted) {
      throw new AgentboxError('TOOL_TIMEOUT', `${policy.caller} to ${url.host} took longer than ${policy.timeoutMs} ms`, { cause: error });
    }
    if (policy.signal?.aborted) throw new AgentboxError('CANCELLED', `${policy.caller} was cancelled`, { cause: error });
    const cause = (error as Error & { cause?: Error }).cause;
    throw new AgentboxError('TOOL_FAILED', `cannot fetch ${url.href}: ${cause?.message ?? (error as Error).message}`, { cause: error });
  }
}
