import type { AuthDecision, Authorizer } from '../auth/authorizer.js';
import type { Session } from '../engine/session.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { AgentRuntime } from '../runtime/agent-runtime.js';

export type SessionAction = 'read' | 'write' | 'delete';

/** Decisions by principal, then permission: two lookups, no key string built per request. */
interface DecisionCache {
  byPrincipal: Map<string, Map<string, AuthDecision>>;
  size: number;
}

const memo = new WeakMap<Authorizer, DecisionCache>();

/**
 * `authorizer.decide`, memoized: an authorizer's config never changes, and a session GET
 * needs one or two decisions, which otherwise cost more than loading the session.
 * Bounded: the cache is dropped when it grows past 10,000 (principal, permission) pairs.
 */
export function decide(authorizer: Authorizer, principal: string, permission: string): AuthDecision {
  let cache = memo.get(authorizer);
  if (!cache || cache.size > 10_000) memo.set(authorizer, (cache = { byPrincipal: new Map(), size: 0 }));
  let decisions = cache.byPrincipal.get(principal);
  if (!decisions) cache.byPrincipal.set(principal, (decisions = new Map()));
  let decision = decisions.get(permission);
  if (!decision) {
    decisions.set(permission, (decision = authorizer.decide(principal, permission)));
    cache.size += 1;
  }
  return decision;
}

/** The permission strings of each action, made once rather than per request. */
const permissions: Record<SessionAction, { own: string; any: string }> = {
  read: { own: 'session:read:own', any: 'session:read:any' },
  write: { own: 'session:write:own', any: 'session:write:any' },
  delete: { own: 'session:delete:own', any: 'session:delete:any' },
};

/** Throws FORBIDDEN (403) unless the principal holds the permission. */
export function requirePermission(authorizer: Authorizer, principal: string, permission: string): void {
  const decision = decide(authorizer, principal, permission);
  if (!decision.allowed) throw new AgentboxError('FORBIDDEN', `permission denied: ${decision.reason}`, { details: { permission } });
}

/**
 * Loads a session the principal may act on. Another principal's session without the
 * `:any` permission is reported exactly like a missing one (404), so ids cannot be probed;
 * only an owner lacking the `:own` permission learns it is forbidden.
 */
export async function accessSession(
  deps: { runtime: Pick<AgentRuntime, 'getSession'>; authorizer: Authorizer },
  principal: string,
  sessionId: string,
  action: SessionAction,
): Promise<Session> {
  const session = await deps.runtime.getSession(sessionId);
  if (session?.owner === principal) {
    requirePermission(deps.authorizer, principal, permissions[action].own);
    return session;
  }
  if (!session || !decide(deps.authorizer, principal, permissions[action].any).allowed) {
    throw new AgentboxError('SESSION_NOT_FOUND', `no session with id ${sessionId}`);
  }
  return session;
}
