/**
 * agentbox/server — the HTTP service as a portable Hono app (`fetch(Request) → Response`):
 * sessions API with SSE streams, an OpenAI-compatible endpoint, auth, limits, operations
 * routes. It imports no `node:` module; `src/node/` binds it to a socket.
 */
export * from './create-server-app.js';
export * from './create-server-authorizer.js';
export * from './api-key-auth.js';
export * from './http-error.js';
export * from './openapi-document.js';
export * from './rate-limiter.js';
export type { GuardedRoutes, RouteHandler } from './request-guard.js';
export * from './server-metrics.js';
export * from './static-assets.js';
export type { DrainReport } from './turn-tracker.js';
