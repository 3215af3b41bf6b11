import type { Tool } from '../tool.js';
import { parseHostPattern } from '../../../auth/host-pattern.js';
import { ConfigError } from '../../../errors/config-error.js';
import { guardedFetch } from './guarded-fetch.js';
import { fetchMethods, parseFetchRequest } from './parse-fetch-request.js';
import { effectiveHosts } from '../effective-capabilities.js';

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

/**
 * A type alias, not an interface: an object type literal is assignable to
 * `Record<string, unknown>`, so `Tool<HttpFetchArgs>` is a `Tool` without a cast.
 */
export type HttpFetchArgs = {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
};

/**
 * `http_fetch`: one HTTP(S) request to a granted host, through the guarded fetch
 * (`src/agent/tools/fetch/`): every redirect hop is checked against the allow list, and
 * credentials never follow a redirect to another origin.
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
        method: { type: 'string', enum: [...fetchMethods] },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        body: { type: 'string' },
      },
      required: ['url'],
      additionalProperties: false,
    },
    capabilities: { hosts: [...options.hosts], timeoutMs },
    async execute(args, context) {
      // Validated against `parameters` by the executor; parsed again here because a direct
      // caller (a test, a library user) need not go through it.
      const request = parseFetchRequest(args, { maxBytes, caller: 'http_fetch' });
      const result = await guardedFetch(request, {
        hosts: effectiveHosts(options.hosts, context),
        maxResponseBytes: maxBytes,
        timeoutMs,
        maxRedirects,
        caller: 'http_fetch',
        signal: context.signal,
      });
      return { ...result, body: new TextDecoder().decode(result.body) };
    },
  };
}
