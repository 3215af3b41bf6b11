import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { Authorizer } from '../auth/authorizer.js';
import { createToolCallAuthorizer } from '../auth/create-tool-call-authorizer.js';
import { serverConfigSchema, type ServerConfig, type ServerConfigInput } from '../config/server-config-schema.js';
import type { Clock } from '../engine/session-recorder.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { BaseRuntime } from '../runtime/base-runtime.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createApiKeyAuthenticator, type KeyHasher } from './api-key-auth.js';
import { createHostAllowList } from './host-allow-list.js';
import { errorResponse, isInternalError, type ErrorShape } from './http-error.js';
import { createOriginCheck } from './origin-check.js';
import { RateLimiter } from './rate-limiter.js';
import { errorShapeOf, RequestGuard, type GuardedRoutes } from './request-guard.js';
import { registerChatCompletionRoutes } from './routes/chat-completion-routes.js';
import { registerMcpRoutes } from './routes/mcp-routes.js';
import { McpAgentTools } from '../mcp/mcp-agent-tools.js';
import { accessSession, decide } from './session-access.js';
import { registerMessageRoutes } from './routes/message-routes.js';
import { registerModelRoutes } from './routes/model-routes.js';
import { registerOperationRoutes } from './routes/operation-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerWorkflowRoutes } from './routes/workflow-routes.js';
import type { AppEnv, ServerDeps } from './server-env.js';
import type { ServerMetrics } from './server-metrics.js';
import type { StaticAssets } from './static-assets.js';
import { SessionEventHub } from './session-event-hub.js';
import { StreamRegistry } from './stream-registry.js';
import { TurnTracker, type DrainReport } from './turn-tracker.js';
import { createRuntimeWorkflowHost, type RuntimeWorkflowHostOptions } from '../runtime/create-runtime-workflow-host.js';
import { MemoryWorkflowJournal } from '../workflow/memory-workflow-journal.js';
import type { JqEvaluator } from '../workflow/jq-evaluator.js';
import type { WorkflowJournal } from '../workflow/workflow-journal.js';
import { WorkflowRuns } from './workflow-runs.js';

export interface ServerAppOptions {
  runtime: BaseRuntime;
  /** Decides what each principal may do; in local mode it must know principal `local`. */
  authorizer: Authorizer;
  /** What `/healthz` tells clients about the LLM endpoint (never the key). */
  llm?: { configured: boolean; baseUrl: string; model: string; hint?: string };
  /** The `server` config section (defaults: local mode, 120 requests/min, 1 MiB bodies). */
  config?: ServerConfig | ServerConfigInput;
  metrics?: ServerMetrics;
  assets?: StaticAssets;
  clock?: Clock;
  /** Hashes presented API keys (default Web Crypto); the Node service passes a synchronous one. */
  hashKey?: KeyHasher;
  /** Idle SSE heartbeat period (default 15 s). */
  heartbeatMs?: number;
  /** Events buffered per SSE client before a stalled one is cut off (default 1024). */
  streamCapacity?: number;
  /**
   * The port the service is reached at, for the `Host` check of the loopback names (a
   * function: with port 0 it is known only once listening). Absent: any port, as when the
   * app is served in-process.
   */
  port?: () => number | undefined;
  /**
   * Receives every internal failure (a 500) with its full detail. The client gets only the
   * code and a generic message: a store error names the database file, for instance.
   */
  onInternalError?: (error: unknown) => void;
  /**
   * Where workflow runs live; default in memory (gone with the process). `agentbox serve`
   * passes the SQLite journal beside the sessions. The caller closes it, after `shutdown`.
   */
  workflowJournal?: WorkflowJournal;
  /** `call: http | openapi` of the service's runs: `tools.http` (hosts, body cap, deadline). Default: no host. */
  workflowHttp?: RuntimeWorkflowHostOptions['http'];
  /** `call: mcp` of the service's runs: the configured servers (`tools.mcp`). Default: none. */
  workflowMcp?: RuntimeWorkflowHostOptions['mcp'];
  /** `$secrets` of the service's runs (`workflow.secrets`, read from configuration; redacted from every journal event). */
  workflowSecrets?: Record<string, string>;
  /** jq for the service's runs (`agentbox/node`: on a worker thread, stopped at a time limit); default on this thread. Closed with the app. */
  workflowJq?: JqEvaluator;
  /** This process's lease holder id for workflow runs (`agentbox/node`: host and pid); default a random id. */
  workflowHolder?: string;
}

export interface ServerApp {
  /**
   * Serves one request in-process (tests, embedding): `await server.request('/healthz')`.
   * The Hono app itself is not exposed: a route added to it directly would skip the guard
   * (auth, limits, metrics), so routes are added only through `routes`.
   */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Adds routes behind the same guard as the built-in ones (API key under /v1, limits, metrics). */
  readonly routes: GuardedRoutes;
  /** The portable `fetch(Request) → Response` entry point. */
  readonly fetch: (request: Request) => Response | Promise<Response>;
  readonly activeTurns: number;
  readonly openStreams: number;
  /** MCP sessions open on `/mcp` (each closed by DELETE, idle expiry or shutdown). */
  readonly openMcpSessions: number;
  /**
   * The workflow runs this service executes. `recover()` resumes, in the background, the
   * runs a dead process left `running` (`agentbox serve` calls it at startup).
   */
  readonly workflows: Pick<WorkflowRuns, 'recover' | 'engine'>;
  /**
   * Suspends the workflow runs it executes (they stay `running` and resumable), refuses new
   * turns, waits up to `timeoutMs` (default 10 s) for running ones, cancels the rest, ends
   * streams and closes the MCP sessions.
   */
  shutdown(options?: { timeoutMs?: number }): Promise<DrainReport>;
}

/**
 * The agentbox HTTP service as a portable Hono app: sessions API, SSE event streams, an
 * OpenAI-compatible endpoint, operations routes. Binding a socket is the platform's job.
 *
 * @example
 * const server = createServerApp({ runtime, authorizer: createServerAuthorizer(config) });
 * const res = await server.request('/v1/sessions', { method: 'POST', body: '{}' });
 */
export function createServerApp(options: ServerAppOptions): ServerApp {
  const config = serverConfigSchema.parse(options.config ?? {});
  const { runtime, authorizer } = options;
  const chatStore = new MemorySessionStore();
  // The same runtime over a store of its own; tool calls authorized by the service's RBAC
  // whatever the runtime was given.
  const chatRuntime = runtime.withStore(chatStore, { authorize: createToolCallAuthorizer(authorizer), ...(options.clock ? { clock: options.clock } : {}) });
  const deps: ServerDeps = {
    runtime,
    chat: { runtime: chatRuntime, store: chatStore, system: runtime.system },
    authorizer,
    config,
    turns: new TurnTracker(),
    streams: new StreamRegistry(options.heartbeatMs ?? 15_000),
    sessionEvents: new SessionEventHub(() => runtime.stream({ capacity: 1024, overflow: 'block' })),
    streamCapacity: options.streamCapacity ?? 1024,
  };
  const authenticate = createApiKeyAuthenticator(config.apiKeys, options.hashKey ? { hash: options.hashKey } : {});
  const limiter = new RateLimiter(config.rateLimit.requestsPerMinute, options.clock);

  const toResponse = (error: unknown, shape: ErrorShape): Response => {
    const known = error instanceof HTTPException && error.status === 413 ? tooLarge(config) : error;
    if (isInternalError(known)) options.onInternalError?.(known);
    return errorResponse(known, shape);
  };
  const localMode = config.apiKeys.length === 0;
  const guard = new RequestGuard({
    authenticate: localMode ? undefined : authenticate,
    hostAllowed: createHostAllowList({ allowedHosts: config.allowedHosts, bindHost: config.host, port: options.port }),
    // With keys, a page of another site has no key to send: only local mode needs it on
    // every route; /mcp checks it always, as the MCP transport spec requires.
    originAllowed: createOriginCheck(config.corsOrigins),
    originChecked: localMode ? undefined : (path) => path === '/mcp',
    limiter,
    requestsPerMinute: config.rateLimit.requestsPerMinute,
    bodyLimit: bodyLimit({ maxSize: config.bodyLimitBytes, onError: () => Promise.reject(tooLarge(config)) }),
    cors: config.corsOrigins
      ? cors({
          origin: config.corsOrigins,
          allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID', 'X-API-Key', 'Mcp-Session-Id', 'Mcp-Protocol-Version'],
          exposeHeaders: ['Retry-After', 'Mcp-Session-Id'],
        })
      : undefined,
    metrics: options.metrics,
    toResponse,
  });

  // No `app.use`: auth, limits, CORS and metrics run inside each route's handler (see
  // RequestGuard), so Hono calls every route directly instead of composing a middleware chain.
  const app = new Hono<AppEnv>();
  // Only what escapes the guard lands here (it answers its routes' errors itself).
  app.onError((error, c) => toResponse(error, errorShapeOf(c.req.path)));
  app.notFound(guard.notFound((c) => new AgentboxError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`)));
  const routes = guard.routes(app);

  registerSessionRoutes(routes, deps);
  registerMessageRoutes(routes, deps);
  registerChatCompletionRoutes(routes, deps);
  registerModelRoutes(routes, deps);
  // MCP calls are recorded beside the other sessions (the runtime's store), under the service's RBAC.
  const mcpRuntime = runtime.withOverrides({ authorize: createToolCallAuthorizer(authorizer), ...(options.clock ? { clock: options.clock } : {}) });
  const mcpSessions = registerMcpRoutes(routes, {
    runtime: mcpRuntime,
    authorizer,
    config: config.mcp,
    ...(options.clock ? { clock: options.clock } : {}),
    // Turns run on the service's runtime, tracked like /v1's: busy and cancellable there, drained at shutdown.
    ...(config.mcp.agents.length > 0
      ? {
          agents: new McpAgentTools({
            agents: config.mcp.agents,
            runtime,
            decide: (principal, permission) => decide(authorizer, principal, permission),
            writableSession: (principal, id) => accessSession(deps, principal, id, 'write'),
            track: (id, turn) => deps.turns.start(id, turn),
          }),
        }
      : {}),
  });
  const workflows = new WorkflowRuns({
    journal: options.workflowJournal ?? new MemoryWorkflowJournal(),
    host: createRuntimeWorkflowHost(runtime, { http: options.workflowHttp ?? {}, mcp: options.workflowMcp ?? {}, authorizer }),
    ...(options.workflowSecrets ? { secrets: options.workflowSecrets } : {}),
    ...(options.workflowHolder !== undefined ? { holder: options.workflowHolder } : {}),
    ...(options.workflowJq ? { jq: options.workflowJq } : {}),
    onError: (error) => options.onInternalError?.(error),
  });
  registerWorkflowRoutes(routes, { workflows, authorizer, streams: deps.streams, streamCapacity: deps.streamCapacity });
  registerOperationRoutes(routes, {
    runtime,
    authorizer,
    llm: options.llm,
    metrics: options.metrics,
    assets: options.assets,
    principalOf: (c, opts) => guard.principalOf(c, opts),
    openStreams: () => deps.streams.size,
  });

  return {
    request: async (path, init) => app.request(path, init),
    routes,
    fetch: (request) => app.fetch(request),
    get activeTurns() {
      return deps.turns.size;
    },
    get openStreams() {
      return deps.streams.size;
    },
    get openMcpSessions() {
      return mcpSessions.size;
    },
    workflows,
    async shutdown({ timeoutMs = 10_000 } = {}) {
      await workflows.suspend();
      await options.workflowJq?.close();
      const report = await deps.turns.drain(timeoutMs, (id) => void (runtime.cancel(id) || chatRuntime.cancel(id)));
      deps.streams.closeAll();
      await mcpSessions.closeAll();
      return report;
    },
  };
}

function tooLarge(config: ServerConfig): AgentboxError {
  return new AgentboxError('PAYLOAD_TOO_LARGE', `request body over the limit of ${config.bodyLimitBytes} bytes (server.bodyLimitBytes)`, {
    details: { limitBytes: config.bodyLimitBytes },
  });
}
