import type { Tool } from '../../agent/tools/tool.js';
import { parseHostPattern } from '../../auth/host-pattern.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { ConfigError } from '../../errors/config-error.js';
import { checkFetchUrl } from './check-fetch-url.js';
import { parseFetchArguments, type HttpFetchArgs } from './parse-fetch-arguments.js';
import { readCappedBody } from './read-capped-body.js';
import { effectiveHosts } from './tool-capabilities.js';

export interface HttpFetchToolOptions {
  /**
   * Host patterns (see `src/auth/host-pattern.ts`): `api.example.com` (any port),
   * `example.com:8080` (that port only), `*.example.com` (subdomains), `*` (anything).
   */
  hosts: string[];
  /** Largest response body (after decompression) and request body. Default 1 MiB. */
  maxBytes?: number;
  /** Whole call, redirects included. Default 30 s. */
  timeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
}

export interface HttpFetchResult {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Every URL redirected to, in order. */
  redirects: string[];
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** Dropped when a redirect leaves the origin, as browsers do: they are for the first server only. */
const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * `http_fetch`: one HTTP(S) request to a granted host. Redirects are followed by hand so
 * every hop is checked against the allow list; a hop to any other host is refused.
 *
 * @example
 * const tool = createHttpFetchTool({ hosts: ['api.github.com'], timeoutMs: 10_000 });
 */
export function createHttpFetchTool(options: HttpFetchToolOptions): Tool<HttpFetchArgs, HttpFetchResult> {
  const issues = options.hosts.flatMap((host, i) => {
    const parsed = parseHostPattern(host);
    return typeof parsed === 'string' ? [{ path: `hosts.${i}`, message: parsed }] : [];
  });
  if (issues.length > 0) throw new ConfigError(issues, 'http_fetch options');
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRedirects = options.maxRedirects ?? 5;
  return {
    name: 'http_fetch',
    description: `Make an HTTP request and get status, headers and body as text (at most ${maxBytes} bytes). Allowed hosts: ${options.hosts.join(', ') || 'none'}.`,
    parameters: {
      type: 'object',
      properties: {
        url: { type: 'string', description: 'An http or https URL on an allowed host.' },
        method: { type: 'string', enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        body: { type: 'string' },
      },
      required: ['url'],
      additionalProperties: false,
    },
    capabilities: { hosts: [...options.hosts], timeoutMs },
    async execute(rawArgs, context) {
      const hosts = effectiveHosts(options.hosts, context);
      const args = parseFetchArguments(rawArgs as unknown as Record<string, unknown>, maxBytes);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = AbortSignal.any([context.signal, timeout]);
      let { method, body } = args;
      const headers = new Headers(args.headers);
      let url = args.url;
      const redirects: string[] = [];
      try {
        for (;;) {
          checkFetchUrl(url, hosts);
          const response = await fetch(url, { method, headers, body, redirect: 'manual', signal });
          const location = response.headers.get('location');
          if (!redirectStatuses.has(response.status) || location === null) {
            const bytes = await readCappedBody(response, maxBytes, url.href);
            const responseHeaders: Record<string, string> = {};
            response.headers.forEach((value, key) => (responseHeaders[key] = value));
            return { url: url.href, status: response.status, headers: responseHeaders, body: new TextDecoder().decode(bytes), redirects };
          }
          await response.body?.cancel().catch(() => undefined);
          if (redirects.length >= maxRedirects) throw new AgentboxError('TOOL_FAILED', `more than ${maxRedirects} redirects, last to ${location}`);
          const next = new URL(location, url);
          // As fetch does: 303, and 301/302 after a POST, become a GET without a body.
          if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
            if (method !== 'HEAD') method = 'GET';
            body = undefined;
            headers.delete('content-type');
          }
          if (next.origin !== url.origin) for (const name of credentialHeaders) headers.delete(name);
          redirects.push(next.href);
          url = next;
        }
      } catch (error) {
        if (AgentboxError.isInstance(error)) throw error;
        if (timeout.aborted) throw new AgentboxError('TOOL_TIMEOUT', `http_fetch to ${url.host} took longer than ${timeoutMs} ms`, { cause: error });
        if (context.signal.aborted) throw new AgentboxError('CANCELLED', 'http_fetch was cancelled', { cause: error });
        const cause = (error as Error & { cause?: Error }).cause;
        throw new AgentboxError('TOOL_FAILED', `cannot fetch ${url.href}: ${cause?.message ?? (error as Error).message}`, { cause: error });
      }
    },
  };
}
