/**
 * The `/mcp` route's part of the OpenAPI document. Its bodies are JSON-RPC messages of the
 * Model Context Protocol (Streamable HTTP transport, revision 2025-11-25), described by the
 * protocol's own schema, so they are named here, not repeated.
 */
type Json = Record<string, unknown>;

interface Helpers {
  errors: (...statuses: number[]) => Json;
  authErrors: number[];
}

const spec = 'https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http';
const message: Json = { type: 'object', description: `A JSON-RPC 2.0 message or batch of the Model Context Protocol (${spec})` };
const sessionHeader = (required: boolean): Json => ({
  name: 'Mcp-Session-Id',
  in: 'header',
  required,
  description: 'The MCP session, as the initialize response named it (sessions belong to the principal that opened them)',
  schema: { type: 'string' },
});
const jsonRpcError = (description: string): Json => ({ description, content: { 'application/json': { schema: message } } });

export function mcpPaths({ errors, authErrors }: Helpers): Record<string, Json> {
  // 403: a foreign Host or Origin (DNS rebinding), even with a valid key.
  const refusals = { ...errors(403, ...authErrors), '400': jsonRpcError('not a valid MCP message, or no session id where one is needed') };
  return {
    '/mcp': {
      post: {
        summary: "MCP over Streamable HTTP: agentbox's tools, listed and called under the key's roles (initialize opens a session)",
        parameters: [sessionHeader(false)],
        requestBody: { required: true, content: { 'application/json': { schema: message } } },
        responses: {
          '200': {
            description: 'the JSON-RPC response, as JSON or as an SSE stream (Accept: application/json, text/event-stream)',
            content: { 'application/json': { schema: message }, 'text/event-stream': { schema: { type: 'string' } } },
          },
          '202': { description: 'a notification or response accepted' },
          '404': jsonRpcError('no such MCP session (ended, expired, or opened by another principal)'),
          ...errors(413),
          ...refusals,
        },
      },
      get: {
        summary: "The session's stream of server-to-client messages (SSE); Last-Event-ID resumes it",
        parameters: [sessionHeader(true), { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } }],
        responses: {
          '200': { description: 'server messages', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          '404': jsonRpcError('no such MCP session'),
          '409': jsonRpcError('the session already has a stream open'),
          ...refusals,
        },
      },
      delete: {
        summary: 'End the MCP session',
        parameters: [sessionHeader(true)],
        responses: { '200': { description: 'ended' }, '404': jsonRpcError('no such MCP session'), ...refusals },
      },
    },
  };
}
