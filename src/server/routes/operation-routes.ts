import type { Context } from 'hono';
import type { Authorizer } from '../../auth/authorizer.js';
import type { AgentRuntime } from '../../runtime/agent-runtime.js';
import { openApiDocument } from '../openapi-document.js';
import type { GuardedRoutes } from '../request-guard.js';
import type { AppEnv } from '../server-env.js';
import { requirePermission } from '../session-access.js';
import type { ServerMetrics } from '../server-metrics.js';
import { placeholderPage, safeAssetPath, type StaticAsset, type StaticAssets } from '../static-assets.js';
import { AgentboxError } from '../../errors/agentbox-error.js';

export interface OperationDeps {
  llm?: { configured: boolean; baseUrl: string; model: string; hint?: string } | undefined;
  runtime: Pick<AgentRuntime, 'listSessions'>;
  metrics: ServerMetrics | undefined;
  assets: StaticAssets | undefined;
  authorizer: Authorizer;
  /**
   * The principal of a request outside /v1, authenticated and rate-limited as /v1 is (the
   * guard's `principalOf`); `local` in local mode, whose Host and Origin checks it passed.
   */
  principalOf: (c: Context<AppEnv>, options?: { optional?: boolean }) => Promise<string | undefined>;
  openStreams: () => number;
}

/** Health, readiness, metrics, the OpenAPI document and the web page. */
export function registerOperationRoutes(routes: GuardedRoutes, deps: OperationDeps): void {
  // Unauthenticated callers (health probes) learn only whether an LLM is configured: the
  // endpoint and model say which provider and gateway this deployment uses.
  routes.get('/healthz', async (c) => {
    const { llm } = deps;
    if (!llm) return c.json({ status: 'ok' });
    const principal = await deps.principalOf(c, { optional: true });
    return c.json({ status: 'ok', llm: principal === undefined ? { configured: llm.configured } : llm });
  });

  routes.get('/readyz', async (c) => {
    try {
      await deps.runtime.listSessions({ limit: 1 });
      return c.json({ status: 'ready' });
    } catch {
      return c.json({ error: { code: 'STORE_FAILED', message: 'the session store does not answer' } }, 503);
    }
  });

  routes.get('/metrics', async (c) => {
    const principal = (await deps.principalOf(c)) as string;
    requirePermission(deps.authorizer, principal, 'metrics:read');
    if (!deps.metrics) throw new AgentboxError('NOT_FOUND', 'metrics are not enabled');
    const { contentType, body } = await deps.metrics.render();
    return c.body(body, 200, { 'content-type': contentType });
  });

  routes.get('/openapi.json', (c) => c.json(openApiDocument()));

  const serve = (asset: StaticAsset, cache: string): Response =>
    new Response(asset.body, { headers: { 'content-type': asset.contentType, 'cache-control': cache, 'x-content-type-options': 'nosniff' } });

  routes.get('/', async (c) => {
    const page = await deps.assets?.get('index.html');
    return page ? serve(page, 'no-cache') : c.html(placeholderPage);
  });

  routes.get('/assets/*', async (c) => {
    const path = safeAssetPath(c.req.path.slice('/assets/'.length));
    const asset = path ? await deps.assets?.get(`assets/${path}`) : undefined;
    if (!asset) throw new AgentboxError('NOT_FOUND', `no asset ${c.req.path}`);
    return serve(asset, 'no-cache');
  });
}
