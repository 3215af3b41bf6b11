/**
 * agentbox/server — the HTTP service as a portable Hono app (`fetch(Request) → Response`):
 * sessions API with SSE streams, an OpenAI-compatible endpoint, auth, limits, operations
 * routes. It imports no `node:` module; `agentbox/node`'s `startServer` binds it to a socket.
 *
 * @example
 * import { createServerApp, createServerAuthorizer } from 'agentbox/server';
 * const server = createServerApp({ runtime, authorizer: createServerAuthorizer({}, serverConfig) });
 * const response = await server.fetch(new Request('http://127.0.0.1/healthz'));
 */
export { createServerApp, type ServerApp, type ServerAppOptions } from './create-server-app.js';
export { createServerAuthorizer } from './create-server-authorizer.js';
export { hashApiKey, type ApiKeyEntry, type KeyHasher } from './api-key-auth.js';
export { openApiDocument } from './openapi-document.js';
export type { GuardedRoutes, RouteHandler } from './request-guard.js';
export type { ServerMetrics, RequestObserver, RequestSample } from './server-metrics.js';
export type { StaticAsset, StaticAssets } from './static-assets.js';
export type { DrainReport } from './turn-tracker.js';
