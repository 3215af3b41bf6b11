import type { AgentRuntime } from '../../runtime/agent-runtime.js';
import { openApiDocument } from '../openapi-document.js';
import type { HeaderReader } from '../api-key-auth.js';
import type { GuardedRoutes } from '../request-guard.js';
import type { ServerMetrics } from '../server-metrics.js';
import { placeholderPage, safeAssetPath, type StaticAsset, type StaticAssets } from '../static-assets.js';
import { AgentboxError } from '../../errors/agentbox-error.js';

export interface OperationDeps {
  llm?: { configured: boolean; baseUrl: string; model: string; hint?: string } | undefined;
  runtime: Pick<AgentRuntime, 'listSessions'>;
  metrics: ServerMetrics | undefined;
  assets: StaticAssets | undefined;
  /** Authenticates a request outside /v1 (metrics need a key when keys are configured). */
  requireKey: (header: HeaderReader) => Promise<string>;
  openStreams: () => number;
}

/** Health, readiness, metrics, the OpenAPI document and the web page. */
export function registerOperationRoutes(routes: GuardedRoutes, deps: OperationDeps): void {
  routes.get('/healthz', (c) => c.json({ status: 'ok', ...(deps.llm ? { llm: deps.llm } : {}) }));

  routes.get('/readyz', async (c) => {
    try {
      await deps.runtime.listSessions({ limit: 1 });
      return c.json({ status: 'ready' });
    } catch {
      return c.json({ error: { code: 'STORE_FAILED', message: 'the session store does not answer' } }, 503);
    }
  });

  routes.get('/metrics', async (c) => {
    await deps.requireKey((name) => c.req.header(name));
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
