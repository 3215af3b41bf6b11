import type { Context, Hono, MiddlewareHandler } from 'hono';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { ErrorShape } from './http-error.js';
import { localIdentity, presentedKey, type Authenticated, type HeaderReader } from './api-key-auth.js';
import type { RateLimiter } from './rate-limiter.js';
import type { AppEnv } from './server-env.js';
import type { RequestObserver, ServerMetrics } from './server-metrics.js';

/** The rate-limit bucket of failed authentications (a NUL cannot start a key id). */
const failedAuthBucket = '\u0000failed-auth';

/** A route's own work, after the guard has let the request in. */
export type RouteHandler<P extends string = string> = (c: Context<AppEnv, P>) => Response | Promise<Response>;

/** Registers routes that run behind the guard. */
export interface GuardedRoutes {
  get<P extends string>(path: P, handler: RouteHandler<P>): void;
  post<P extends string>(path: P, handler: RouteHandler<P>): void;
  delete<P extends string>(path: P, handler: RouteHandler<P>): void;
}

export interface RequestGuardOptions {
  /** Turns headers into a principal; undefined in local mode (every request is `local`). */
  authenticate: ((header: HeaderReader) => Promise<Authenticated>) | undefined;
  limiter: RateLimiter;
  /** For the 429 message. */
  requestsPerMinute: number;
  /** Runs on POST, PUT and PATCH under /v1 (Hono's `bodyLimit`). */
  bodyLimit: MiddlewareHandler;
  /** Hono's `cors`, when origins are configured; runs first, so preflights need no key. */
  cors?: MiddlewareHandler | undefined;
  metrics?: ServerMetrics | undefined;
  /** The response for anything thrown (the one error-to-status mapping), in the route's error shape. */
  toResponse: (error: unknown, shape: ErrorShape) => Response;
  /** Whether the service answers to this `Host` (see host-allow-list.ts); default any. */
  hostAllowed?: ((host: string | undefined) => boolean) | undefined;
  /** Whether a request from this `Origin` may come in (see origin-check.ts); absent, any may. */
  originAllowed?: ((origin: string | undefined, host: string) => boolean) | undefined;
  /**
   * The routes `originAllowed` guards; default every route (local mode). With API keys only
   * `/mcp`: the MCP transport spec requires the Origin check against DNS rebinding whatever
   * the authentication (a browser-based MCP client may hold a key).
   */
  originChecked?: ((path: string) => boolean) | undefined;
}

/** What a request must pass, decided once per route (per request only for unmatched paths). */
interface Scope {
  /** Under /v1: a key (outside local mode) and the rate limit. */
  keyed: boolean;
  /** A body method under /v1: the body limit. */
  limited: boolean;
  /** OpenAI's error body on the routes OpenAI clients call, so every refusal there (401, 413, 429…) is one they parse. */
  errors: ErrorShape;
  /** The Origin check runs (local mode: everywhere; with keys: /mcp). */
  origin: boolean;
}

/**
 * Everything a request goes through besides its route — CORS, authentication, rate limit,
 * body limit, error responses, request metrics — run inside each route's one handler
 * rather than as `app.use` middleware. Why: Hono calls a route with a single handler
 * directly, but chains two or more through nested async frames (koa-style compose);
 * on `GET /v1/sessions/:id` that chain cost ~2 µs of CPU and a third of the throughput.
 * The order is the old middleware order: metrics around the Host and Origin checks around
 * CORS around auth around the body limit around the route; an error at any step is
 * answered there, so CORS headers and metrics cover error responses too.
 *
 * @example
 * const guard = new RequestGuard({ authenticate, limiter, requestsPerMinute: 120, bodyLimit, toResponse: errorResponse });
 * // errorResponse(error, shape): agentbox's body, or OpenAI's on /v1/chat/completions and /v1/models…
 * guard.routes(app).get('/v1/sessions/:id', (c) => c.json({ id: c.req.param('id') }));
 * app.notFound(guard.notFound(() => new AgentboxError('NOT_FOUND', 'no route')));
 */
export class RequestGuard {
  constructor(private readonly options: RequestGuardOptions) {}

  /** Route registration on `app`, each handler wrapped by the guard. */
  routes(app: Hono<AppEnv>): GuardedRoutes {
    const add =
      (method: 'GET' | 'POST' | 'DELETE') =>
      <P extends string>(path: P, handler: RouteHandler<P>): void => {
        const scope = this.#scopeOf(method, path);
        const observe = this.options.metrics?.requestObserver?.(method, path);
        app.on(method, path, (c: Context<AppEnv, P>) => this.#run(c, scope, c.req.method === method ? observe : undefined, path, handler));
      };
    return { get: add('GET'), post: add('POST'), delete: add('DELETE') };
  }

  /** The not-found handler: unmatched paths under /v1 still need a key and count against the limit. */
  notFound(error: (c: Context<AppEnv>) => AgentboxError): (c: Context<AppEnv>) => Promise<Response> {
    return (c) =>
      this.#run(c, this.#scopeOf(c.req.method, c.req.path), undefined, 'unmatched', (cc) => {
        throw error(cc);
      });
  }

  async #run<P extends string>(
    c: Context<AppEnv, P>,
    scope: Scope,
    observe: RequestObserver | undefined,
    route: string,
    handler: RouteHandler<P>,
  ): Promise<Response> {
    const { metrics, cors } = this.options;
    const started = metrics ? performance.now() : 0;
    let res: Response;
    try {
      this.#checkHostAndOrigin(c, scope);
      res = cors ? await this.#withCors(c, cors, scope, handler) : await this.#enter(c, scope, handler);
    } catch (error) {
      res = this.options.toResponse(error, scope.errors);
    }
    if (metrics) {
      const seconds = (performance.now() - started) / 1000;
      if (observe) observe(res.status, seconds);
      else metrics.observeRequest({ method: c.req.method, route, status: res.status, seconds });
    }
    return res;
  }

  /**
   * Every route, `/` and `/healthz` included: a DNS-rebound page must not even read the web
   * page's status. In-process requests (`app.request('/x')`) carry no `Host`: the URL's counts.
   */
  #checkHostAndOrigin(c: Context<AppEnv>, scope: Scope): void {
    const { hostAllowed } = this.options;
    const originAllowed = scope.origin ? this.options.originAllowed : undefined;
    if (!hostAllowed && !originAllowed) return;
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (hostAllowed && !hostAllowed(host)) {
      throw new AgentboxError(
        'HOST_NOT_ALLOWED',
        `the service does not answer to Host ${JSON.stringify(host.slice(0, 200))}; if it is reached by that name, add it to server.allowedHosts`,
      );
    }
    const origin = c.req.header('origin');
    if (originAllowed && !originAllowed(origin, host)) {
      const who = this.options.authenticate ? c.req.path : 'local mode';
      throw new AgentboxError(
        'ORIGIN_NOT_ALLOWED',
        `${who} takes no requests from pages of other origins (Origin ${JSON.stringify((origin ?? '').slice(0, 200))}); list the origin in server.corsOrigins to allow it`,
      );
    }
  }

  /**
   * Authenticates a request outside /v1 (`/metrics`, `/healthz`) exactly as /v1 does: a
   * wrong key takes from the failed-authentication bucket, a valid one from its own.
   * `optional`: no key presented is no principal (undefined), not a 401.
   */
  async principalOf(c: Context<AppEnv>, options: { optional?: boolean } = {}): Promise<string | undefined> {
    const { authenticate } = this.options;
    if (!authenticate) return localIdentity.principal;
    if (options.optional && presentedKey((name) => c.req.header(name)) === undefined) return undefined;
    return (await this.#authenticate(c, authenticate)).principal;
  }

  #authenticate(c: Context<AppEnv>, authenticate: (header: HeaderReader) => Promise<Authenticated>): Promise<Authenticated> {
    return authenticate((name) => c.req.header(name)).then(
      (who) => {
        this.#limit(who.keyId);
        return who;
      },
      (error: unknown) => {
        // Failed attempts share one bucket, so guessing keys runs into the rate limit
        // too (valid keys keep their own buckets and are never slowed by it).
        if (AgentboxError.isInstance(error) && error.code === 'UNAUTHENTICATED') this.#limit(failedAuthBucket);
        throw error;
      },
    );
  }

  /** As Hono's compose would: CORS headers set before the route merge into its response. */
  async #withCors<P extends string>(c: Context<AppEnv, P>, cors: MiddlewareHandler, scope: Scope, handler: RouteHandler<P>): Promise<Response> {
    const early = await cors(c, async () => {
      let res: Response;
      try {
        res = await this.#enter(c, scope, handler);
      } catch (error) {
        res = this.options.toResponse(error, scope.errors);
      }
      c.res = res;
    });
    return early ?? c.res;
  }

  /** Admission, then the route. Not async: in local mode no promise is made before the route's. */
  #enter<P extends string>(c: Context<AppEnv, P>, scope: Scope, handler: RouteHandler<P>): Response | Promise<Response> {
    if (scope.keyed) {
      const { authenticate } = this.options;
      if (authenticate) {
        return this.#authenticate(c, authenticate).then((who) => {
          c.set('principal', who.principal);
          return this.#route(c, scope, handler);
        });
      }
      this.#admit(c, localIdentity);
    }
    return this.#route(c, scope, handler);
  }

  /** The rate limit, then the principal for the route. */
  #admit<P extends string>(c: Context<AppEnv, P>, who: Authenticated): void {
    this.#limit(who.keyId);
    c.set('principal', who.principal);
  }

  #limit(bucket: string): void {
    const decision = this.options.limiter.take(bucket);
    if (!decision.allowed) {
      throw new AgentboxError(
        'RATE_LIMITED',
        `rate limit of ${this.options.requestsPerMinute} requests per minute exceeded; retry in ${decision.retryAfterSeconds} s`,
        {
          details: { retryAfterSeconds: decision.retryAfterSeconds },
        },
      );
    }
  }

  #route<P extends string>(c: Context<AppEnv, P>, scope: Scope, handler: RouteHandler<P>): Response | Promise<Response> {
    return scope.limited ? this.#limitBody(c, handler) : handler(c);
  }

  async #limitBody<P extends string>(c: Context<AppEnv, P>, handler: RouteHandler<P>): Promise<Response> {
    let res: Response | undefined;
    const early = await this.options.bodyLimit(c, async () => {
      res = await handler(c);
    });
    // bodyLimit either calls next or rejects (its onError throws): one of the two is set.
    return (early ?? res) as Response;
  }

  #scopeOf(method: string, path: string): Scope {
    const { originAllowed, originChecked } = this.options;
    const keyed = path === '/v1' || path.startsWith('/v1/') || path === '/mcp';
    return {
      keyed,
      limited: keyed && (method === 'POST' || method === 'PUT' || method === 'PATCH'),
      errors: errorShapeOf(path),
      origin: originAllowed !== undefined && (originChecked?.(path) ?? true),
    };
  }
}

/**
 * The OpenAI-compatible routes answer errors in OpenAI's shape: `/v1/chat/completions` and
 * `/v1/models…` (a route pattern such as `/v1/models/:model{.+}`, or an unmatched path
 * under them). Everything else under /v1 is agentbox's own API and keeps agentbox's shape.
 */
export function errorShapeOf(path: string): ErrorShape {
  return path === '/v1/chat/completions' || path === '/v1/models' || path.startsWith('/v1/models/') ? 'openai' : 'agentbox';
}
