import { safeUrl } from '../../agent/llm/create-redactor.js';
import { configureLlmHint, resolveLlmEndpoint } from '../../config/resolve-llm-endpoint.js';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createToolCallAuthorizer } from '../../auth/create-tool-call-authorizer.js';
import type { AgentboxConfig } from '../../config/config-schema.js';
import { resolveWorkflowSecrets } from '../../config/workflow-config-schema.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { BaseRuntime } from '../../runtime/base-runtime.js';
import { createServerApp, type ServerApp } from '../../server/create-server-app.js';
import { createServerAuthorizer } from '../../server/create-server-authorizer.js';
import type { DrainReport } from '../../server/turn-tracker.js';
import { createLogger, type Logger } from '../log/logger.js';
import { nodeLeaseHolder } from '../store/lease-holder.js';
import { openWorkflowJournal } from '../store/open-workflow-journal.js';
import { NodeRuntime } from '../runtime/node-runtime.js';
import { createNodeStaticAssets } from './node-static-assets.js';
import { createPrometheusMetrics } from './prometheus-metrics.js';
import { sha256Hex } from './sha256-hex.js';
import { createNodeJqEvaluator } from '../workflow/worker-jq-backend.js';

export interface StartServerOptions {
  config: AgentboxConfig;
  /** Overrides `server.host` / `server.port` (port 0: any free port). */
  host?: string;
  port?: number;
  /** A runtime to serve; default `NodeRuntime.init(config)` with tool calls authorized by RBAC. */
  runtime?: BaseRuntime;
  /** Folder holding `web/` and `dist-web/`; default the package root. */
  assetsRoot?: string;
  heartbeatMs?: number;
  /** Where internal failures (500s) are logged in full; default a logger at `log.level`. */
  logger?: Logger;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8787` */
  readonly url: string;
  readonly app: ServerApp;
  readonly runtime: BaseRuntime;
  /**
   * Graceful stop: no new connections or turns, running turns get `timeoutMs` to finish,
   * the rest are cancelled (and recorded so), streams end, the store closes.
   */
  close(options?: { timeoutMs?: number }): Promise<DrainReport>;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Whether a host name only reaches this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** `agentbox serve` without the command line: the service on a socket. */
/** `workflow.secrets` with their environment variables read now; an unset one is left out, with a warning. */
function serverWorkflowSecrets(config: AgentboxConfig, logger: { warn(message: string): void }): Record<string, string> {
  const { secrets, missing } = resolveWorkflowSecrets(config.workflow.secrets, process.env);
  if (missing.length > 0) logger.warn(`workflow.secrets not set in the environment: ${missing.join(', ')}`);
  return secrets;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  if (config.server.apiKeys.length === 0 && !isLoopbackHost(host)) {
    throw new AgentboxError(
      'CONFIG_INVALID',
      `refusing to listen on ${host} without API keys: local mode (no server.apiKeys) serves every request as the local admin, so it binds only to a loopback host such as 127.0.0.1. Add keys (agentbox serve hash-key <key>) or use --host 127.0.0.1`,
    );
  }
  const authorizer = createServerAuthorizer(config.auth, config.server);
  const runtime = options.runtime ?? (await NodeRuntime.init(config, { authorize: createToolCallAuthorizer(authorizer) }));
  // Workflow runs in the same store as the sessions (SQLite file, or memory).
  const workflowJournal = await openWorkflowJournal(config.store);
  let app: ServerApp | undefined;
  const logger = options.logger ?? createLogger(config.log.level);
  // Known once listening when port 0 asked for any free port; no request arrives before.
  let boundPort: number | undefined = port === 0 ? undefined : port;
  const metrics = createPrometheusMetrics({
    events: runtime.stream({ overflow: 'drop-oldest', capacity: 10_000 }),
    activeSessions: () => app?.activeTurns ?? 0,
    openStreams: () => app?.openStreams ?? 0,
  });
  app = createServerApp({
    runtime,
    authorizer,
    config: config.server,
    llm: llmStatus(config),
    metrics,
    hashKey: sha256Hex,
    port: () => boundPort,
    onInternalError: (error) => logger.error({ err: error }, 'internal error answered as a 500'),
    assets: createNodeStaticAssets(options.assetsRoot ?? packageRoot),
    workflowJournal,
    workflowHolder: nodeLeaseHolder(),
    workflowJq: createNodeJqEvaluator({ timeoutMs: config.workflow.expressionTimeoutMs }),
    workflowHttp: config.tools.http ?? {},
    workflowMcp: config.tools.mcp,
    workflowSecrets: serverWorkflowSecrets(config, logger),
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  const served = app;
  const server = serve({ fetch: served.fetch, hostname: host, port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error) => reject(new AgentboxError('CONFIG_INVALID', `cannot listen on ${host}:${port}: ${error.message}`, { cause: error })));
  });
  const address = server.address() as AddressInfo;
  boundPort = address.port;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<DrainReport> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
    app: served,
    runtime,
    close({ timeoutMs = 10_000 } = {}) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const http = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
        http.closeIdleConnections?.();
        const report = await served.shutdown({ timeoutMs });
        // Streams are ending on their own (their last events still flushing): give them a
        // moment — until none is open, plus ~100 ms for the socket writes, 2 s at most —
        // closing connections as they fall idle, then close whatever is left.
        const deadline = Date.now() + 2_000;
        let done = false;
        let quietTicks = 0;
        void closed.then(() => (done = true));
        while (!done && Date.now() < deadline && quietTicks < 4) {
          http.closeIdleConnections?.();
          await new Promise((resolve) => setTimeout(resolve, 25));
          quietTicks = served.openStreams === 0 ? quietTicks + 1 : 0;
        }
        http.closeAllConnections?.();
        await closed;
        metrics.close();
        await workflowJournal.close();
        await runtime.close();
        return report;
      })();
      return closing;
    },
  };
}

function llmStatus(config: AgentboxConfig): { configured: boolean; baseUrl: string; model: string; hint?: string } {
  const endpoint = resolveLlmEndpoint(config.llm);
  return {
    configured: !endpoint.isDefault,
    // /healthz is unauthenticated: no userinfo or query (gateway keys) from the URL.
    baseUrl: safeUrl(endpoint.baseUrl),
    model: endpoint.model,
    ...(endpoint.isDefault ? { hint: `No LLM endpoint is configured; agentbox serve tries a local Ollama at ${endpoint.baseUrl}. ${configureLlmHint}` } : {}),
  };
}
