import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Authorizer } from '../../auth/authorizer.js';
import { toolPermission } from '../../auth/create-tool-call-authorizer.js';
import type { ServerConfig } from '../../config/server-config-schema.js';
import type { Clock } from '../../engine/session-recorder.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { BoundedEventStore } from '../../mcp/bounded-event-store.js';
import { createMcpServer, type CreateMcpServerOptions } from '../../mcp/create-mcp-server.js';
import { McpSessions } from '../mcp-sessions.js';
import type { GuardedRoutes } from '../request-guard.js';

export interface McpRouteDeps {
  runtime: CreateMcpServerOptions['runtime'];
  authorizer: Authorizer;
  config: ServerConfig['mcp'];
  clock?: Clock;
  /** The `ask_<agent>` tools (`server.mcp.agents`), shared by every MCP session; absent: none. */
  agents?: CreateMcpServerOptions['agents'];
}

/**
 * `POST|GET|DELETE /mcp`: agentbox's tools over MCP Streamable HTTP, behind the same guard
 * as `/v1` (API key, Host/Origin, rate and body limits). One MCP server per MCP session,
 * bound to the principal that opened it; a session is answered only for that principal.
 * Streams are resumable (`Last-Event-ID`, from a bounded buffer per session); idle
 * sessions expire. Returns the sessions, for shutdown.
 */
export function registerMcpRoutes(routes: GuardedRoutes, deps: McpRouteDeps): McpSessions {
  const sessions = new McpSessions({ idleMs: deps.config.sessionIdleMs, ...(deps.clock ? { clock: deps.clock } : {}) });
  const handle = async (request: Request, principal: string): Promise<Response> => {
    const id = request.headers.get('mcp-session-id');
    if (id !== null) {
      const session = sessions.get(id);
      if (!session || session.principal !== principal)
        throw new AgentboxError('NOT_FOUND', 'no such MCP session (ended, expired, or opened by another principal)');
      return sessions.track(id, await session.transport.handleRequest(request));
    }
    const mcpSessionId = crypto.randomUUID();
    const server = createMcpServer({
      runtime: deps.runtime,
      principal,
      metadata: { transport: 'streamable-http', mcpSessionId },
      mayInvoke: (p, tool) => deps.authorizer.decide(p, toolPermission(tool)).allowed,
      ...(deps.agents ? { agents: deps.agents } : {}),
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => mcpSessionId,
      eventStore: new BoundedEventStore({ maxEvents: deps.config.replayEvents, maxBytes: deps.config.replayBytes }),
      onsessioninitialized: (sid) => sessions.add(sid, { principal, server, transport }),
      onsessionclosed: (sid) => sessions.delete(sid),
    });
    await server.connect(transport);
    return sessions.track(mcpSessionId, await transport.handleRequest(request));
  };
  const principalOf = (c: { get(key: 'principal'): string }): string => c.get('principal');
  routes.post('/mcp', (c) => handle(c.req.raw, principalOf(c)));
  routes.get('/mcp', (c) => handle(c.req.raw, principalOf(c)));
  routes.delete('/mcp', (c) => handle(c.req.raw, principalOf(c)));
  return sessions;
}
