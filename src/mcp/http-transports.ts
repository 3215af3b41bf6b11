import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * The transports for a remote server, in the order `McpToolSource` tries them: Streamable
 * HTTP, then the legacy HTTP+SSE transport for servers older than the 2025-03-26 revision
 * (the fallback the protocol's backwards-compatibility section describes). Portable: both
 * run on `fetch`. With `authProvider` (an `McpOAuthProvider`) both send its bearer token
 * and refresh it on a 401.
 *
 * @example
 * McpToolSource.connect({ name: 'docs', transports: () => httpTransports(new URL('https://example.com/mcp'), { Authorization: 'Bearer …' }) });
 */
export function httpTransports(url: URL, headers: Readonly<Record<string, string>> = {}, authProvider?: OAuthClientProvider): Transport[] {
  const requestInit = { headers: { ...headers } };
  const auth = authProvider ? { authProvider } : {};
  return [
    new StreamableHTTPClientTransport(url, { requestInit, ...auth }),
    // The SSE stream is a GET that EventSource makes: the headers go through its fetch too.
    new SSEClientTransport(url, {
      requestInit,
      ...auth,
      eventSourceInit: { fetch: (input, init) => fetch(input, { ...init, headers: { ...headers, ...(init?.headers as Record<string, string>) } }) },
    }),
  ];
}
