import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Authorizer } from '../../auth/authorizer.js';
import { toolPermission } from '../../auth/create-tool-call-authorizer.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { createMcpServer, type CreateMcpServerOptions } from '../../mcp/create-mcp-server.js';
import type { GuardedRoutes } from '../request-guard.js';

interface McpSession {
  principal: string;
  transport: WebStandardStreamableHTTPServerTransport;
}

/**
 * `POST|GET|DELETE /mcp`: agentbox's tools over MCP Streamable HTTP, behind the same guard
 * as `/v1` (API key, Host/Origin, rate and body limits). One MCP server per MCP session,
 * bound to the principal that opened it; a session is answered only for that principal.
 */
export function registerMcpRoutes(routes: GuardedRoutes, deps: { runtime: CreateMcpServerOptions['runtime']; authorizer: Authorizer }): void {
  const sessions = new Map<string, McpSession>();
  const handle = async (request: Request, principal: string): Promise<Response> => {
    const id = request.headers.get('mcp-session-id');
    if (id !== null) {
      const session = sessions.get(id);
      if (!session || session.principal !== principal) throw new AgentboxError('NOT_FOUND', 'no such MCP session (ended, or opened by another principal)');
      return session.transport.handleRequest(request);
    }
    const mcpSessionId = crypto.randomUUID();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => mcpSessionId,
      onsessioninitialized: (sid) => void sessions.set(sid, { principal, transport }),
      onsessionclosed: (sid) => void sessions.delete(sid),
    });
    const server = createMcpServer({
      runtime: deps.runtime,
      principal,
      metadata: { transport: 'streamable-http', mcpSessionId },
      mayInvoke: (p, tool) => deps.authorizer.decide(p, toolPermission(tool)).allowed,
    });
    await server.connect(transport);
    return transport.handleRequest(request);
  };
  const principalOf = (c: { get(key: 'principal'): string }): string => c.get('principal');
  routes.post('/mcp', (c) => handle(c.req.raw, principalOf(c)));
  routes.get('/mcp', (c) => handle(c.req.raw, principalOf(c)));
  routes.delete('/mcp', (c) => handle(c.req.raw, principalOf(c)));
}
