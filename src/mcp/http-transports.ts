import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * The transports for a remote server, in the order `McpToolSource` tries them: Streamable
 * HTTP, then the legacy HTTP+SSE transport for servers older than the 2025-03-26 revision
 * (the fallback the protocol's backwards-compatibility section describes). Portable: both
 * run on `fetch`.
 *
 * @example
 * McpToolSource.connect({ name: 'docs', transports: () => httpTransports(new URL('https://example.com/mcp'), { Authorization: 'Bearer …' }) });
 */
export function httpTransports(url: URL, headers: Readonly<Record<string, string>> = {}): Transport[] {
  const requestInit = { headers: { ...headers } };
  return [
    new StreamableHTTPClientTransport(url, { requestInit }),
    // The SSE stream is a GET that EventSource makes: the headers go through its fetch too.
    new SSEClientTransport(url, {
      requestInit,
      eventSourceInit: { fetch: (input, init) => fetch(input, { ...init, headers: { ...headers, ...(init?.headers as Record<string, string>) } }) },
    }),
  ];
}
