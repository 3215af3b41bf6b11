import type { WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowCallBase, WorkflowHost } from './workflow-host.js';
import { problem, WorkflowFault } from './workflow-problem.js';

/** The policy kinds agentbox sends; `digest` and `certificate` are valid DSL it does not run. */
export const supportedAuthentications = ['basic', 'bearer', 'oauth2', 'oidc'] as const;
/** The OAuth2 grants a workflow can use without a person present. */
export const supportedGrants = ['client_credentials', 'password'] as const;

/** Access tokens of one run, by policy: fetched on first use, again when expired or refused. */
export type TokenCache = Map<string, { token: string; type: string; expiresAt: number }>;

export interface AuthenticationContext {
  definition: WorkflowDefinition;
  secrets: Record<string, unknown>;
  host: WorkflowHost;
  base: WorkflowCallBase & { hosts?: readonly string[] | undefined };
  tokens: TokenCache;
  now: () => number;
  /** Evaluates the runtime expressions of a policy from `use.authentications` (the task's scope). */
  evaluate: (value: unknown) => Promise<unknown>;
}

type Policy = Record<string, Record<string, unknown>>;

/**
 * The `Authorization` header for an endpoint's `authentication` (the spec's policy, inline, a
 * `use` of `use.authentications`, or properties from a secret), or none. Credentials and
 * tokens live only in memory: headers are never journaled, and token requests are not tasks.
 */
export async function authorizationHeader(authentication: unknown, ctx: AuthenticationContext): Promise<string | undefined> {
  if (authentication === undefined || authentication === null) return undefined;
  const policy = await resolvePolicy(authentication, ctx);
  const kind = Object.keys(policy)[0] as string;
  const properties = fromSecret(policy[kind] ?? {}, ctx);
  switch (kind) {
    case 'basic':
      return `Basic ${base64(`${text(properties.username, 'basic.username', ctx)}:${text(properties.password, 'basic.password', ctx)}`)}`;
    case 'bearer':
      return `Bearer ${text(properties.token, 'bearer.token', ctx)}`;
    case 'oauth2':
    case 'oidc': {
      const token = await accessToken(kind, properties, ctx);
      return `${/^bearer$/i.test(token.type) ? 'Bearer' : token.type} ${token.token}`;
    }
    default:
      throw invalid(ctx, `authentication '${kind}' is not supported by this version of agentbox (it sends ${supportedAuthentications.join(', ')})`);
  }
}

/** Forgets the token a refused request carried, so the next try fetches a fresh one. */
export async function forgetToken(authentication: unknown, ctx: AuthenticationContext): Promise<boolean> {
  if (authentication === undefined || authentication === null) return false;
  const policy = await resolvePolicy(authentication, ctx);
  const kind = Object.keys(policy)[0] as string;
  if (kind !== 'oauth2' && kind !== 'oidc') return false;
  return ctx.tokens.delete(cacheKey(kind, fromSecret(policy[kind] ?? {}, ctx)));
}

async function resolvePolicy(authentication: unknown, ctx: AuthenticationContext): Promise<Policy> {
  let policy = authentication as Record<string, unknown>;
  if (typeof policy.use === 'string') {
    const declared = ctx.definition.use?.authentications as Record<string, unknown> | undefined;
    const named = declared && Object.hasOwn(declared, policy.use) ? declared[policy.use] : undefined;
    if (!named) throw invalid(ctx, `authentication '${policy.use}' is not declared under use.authentications`);
    policy = (await ctx.evaluate(named)) as Record<string, unknown>;
  }
  if (typeof policy !== 'object' || policy === null || Object.keys(policy).length !== 1) throw invalid(ctx, 'an authentication policy names one kind');
  return policy as Policy;
}

/** `{ basic: { use: 'creds' } }`: the properties are the secret's (an object, or a JSON string of one). */
function fromSecret(properties: Record<string, unknown>, ctx: AuthenticationContext): Record<string, unknown> {
  if (typeof properties.use !== 'string') return properties;
  const secret = Object.hasOwn(ctx.secrets, properties.use) ? ctx.secrets[properties.use] : undefined;
  if (secret === undefined) throw invalid(ctx, `secret '${properties.use}' is not configured (workflow.secrets)`);
  let value: unknown = secret;
  if (typeof secret === 'string') {
    try {
      value = JSON.parse(secret);
    } catch {
      value = undefined;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    // Never quote the secret: only its name.
    throw invalid(ctx, `secret '${properties.use}' must hold the policy's properties as a JSON object`);
  }
  return value as Record<string, unknown>;
}

async function accessToken(kind: 'oauth2' | 'oidc', p: Record<string, unknown>, ctx: AuthenticationContext): Promise<{ token: string; type: string }> {
  const key = cacheKey(kind, p);
  const cached = ctx.tokens.get(key);
  // A token within 30 s of its expiry is treated as expired: the request it goes on takes time too.
  if (cached && cached.expiresAt - 30_000 > ctx.now()) return cached;
  const grant = p.grant ?? 'client_credentials';
  if (!(supportedGrants as readonly unknown[]).includes(grant)) {
    throw invalid(ctx, `OAuth2 grant '${String(grant)}' needs a person or a prior token; workflows use ${supportedGrants.join(' or ')}`);
  }
  const authority = text(p.authority, `${kind}.authority`, ctx).replace(/\/+$/, '');
  const endpoint = kind === 'oidc' ? await discoverTokenEndpoint(authority, ctx) : tokenEndpoint(authority, p);
  const client = (p.client ?? {}) as Record<string, unknown>;
  const form: Record<string, string> = { grant_type: String(grant) };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (client.authentication === 'client_secret_basic') {
    headers.authorization = `Basic ${base64(`${encodeURIComponent(String(client.id ?? ''))}:${encodeURIComponent(String(client.secret ?? ''))}`)}`;
  } else {
    if (client.id !== undefined) form.client_id = String(client.id);
    if (client.secret !== undefined) form.client_secret = String(client.secret);
  }
  if (grant === 'password') {
    form.username = text(p.username, `${kind}.username`, ctx);
    form.password = text(p.password, `${kind}.password`, ctx);
  }
  if (Array.isArray(p.scopes) && p.scopes.length > 0) form.scope = p.scopes.join(' ');
  if (Array.isArray(p.audiences) && p.audiences.length > 0) form.audience = p.audiences.join(' ');
  const json = (p.request as { encoding?: string } | undefined)?.encoding === 'application/json';
  headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
  const body = json ? JSON.stringify(form) : new URLSearchParams(form).toString();
  const answer = await post(endpoint, headers, body, ctx);
  const token = answer.access_token;
  if (typeof token !== 'string' || token === '') throw refused(ctx, `the token endpoint ${endpoint} answered without an access_token`);
  const expiresIn = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 3600;
  const entry = { token, type: typeof answer.token_type === 'string' ? answer.token_type : 'Bearer', expiresAt: ctx.now() + expiresIn * 1000 };
  ctx.tokens.set(key, entry);
  return entry;
}

function tokenEndpoint(authority: string, p: Record<string, unknown>): string {
  const path = (p.endpoints as { token?: unknown } | undefined)?.token;
  const relative = typeof path === 'string' && path !== '' ? path : '/oauth2/token';
  return /^https?:\/\//i.test(relative) ? relative : `${authority}${relative.startsWith('/') ? '' : '/'}${relative}`;
}

async function discoverTokenEndpoint(authority: string, ctx: AuthenticationContext): Promise<string> {
  const url = `${authority}/.well-known/openid-configuration`;
  const answer = await request({ method: 'GET', url, headers: { accept: 'application/json' } }, ctx);
  if (typeof answer.token_endpoint !== 'string') throw refused(ctx, `${url} names no token_endpoint`);
  return answer.token_endpoint;
}

function post(url: string, headers: Record<string, string>, body: string, ctx: AuthenticationContext): Promise<Record<string, unknown>> {
  return request({ method: 'POST', url, headers, body }, ctx);
}

/** One request to the authority, under the run's host grant like every other request it makes. */
async function request(
  req: { method: string; url: string; headers: Record<string, string>; body?: string },
  ctx: AuthenticationContext,
): Promise<Record<string, unknown>> {
  if (!ctx.host.callHttp)
    throw new WorkflowFault(problem('configuration', { title: 'no network', detail: 'this host grants no network', instance: ctx.base.path }));
  const { hosts, ...callBase } = ctx.base;
  const response = await ctx.host.callHttp({ ...callBase, idempotencyKey: `${ctx.base.idempotencyKey}:token`, ...req, ...(hosts ? { hosts } : {}) });
  const raw = new TextDecoder().decode(response.body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (response.status < 200 || response.status >= 300 || parsed === null || typeof parsed !== 'object') {
    // The authority's own error code is safe to show; its body could echo what was sent, so no more.
    const code =
      parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string' ? `: ${(parsed as { error: string }).error}` : '';
    throw refused(ctx, `${req.method} ${req.url} answered ${response.status}${code}`);
  }
  return parsed as Record<string, unknown>;
}

function cacheKey(kind: string, p: Record<string, unknown>): string {
  return JSON.stringify([kind, p]);
}

function text(value: unknown, what: string, ctx: AuthenticationContext): string {
  if (typeof value === 'string' && value !== '') return value;
  throw invalid(ctx, `authentication needs ${what}`);
}

function base64(value: string): string {
  const bytes = new TextEncoder().encode(value);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function invalid(ctx: AuthenticationContext, detail: string): WorkflowFault {
  return new WorkflowFault(problem('configuration', { title: 'invalid authentication', detail, instance: ctx.base.path }));
}

function refused(ctx: AuthenticationContext, detail: string): WorkflowFault {
  return new WorkflowFault(problem('authentication', { title: 'authentication failed', detail, instance: ctx.base.path }));
}
