import type { AuthDecision, Authorizer } from '../auth/authorizer.js';
import type { Session } from '../engine/session.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { AgentRuntime } from '../runtime/agent-runtime.js';

export type SessionAction = 'read' | 'write' | 'delete';

const memo = new WeakMap<Authorizer, Map<string, AuthDecision>>();

/**
 * `authorizer.decide`, memoized: an authorizer's config never changes, and a session GET
 * needs one or two decisions, which otherwise cost more than loading the session.
 * Bounded: the cache is dropped when it grows past 10,000 (principal, permission) pairs.
 */
export function decide(authorizer: Authorizer, principal: string, permission: string): AuthDecision {
  let cache = memo.get(authorizer);
  if (!cache || cache.size > 10_000) memo.set(authorizer, (cache = new Map()));
  const key = `${principal}\u0000${permission}`;
  let decision = cache.get(key);
  if (!decision) cache.set(key, (decision = authorizer.decide(principal, permission)));
  return decision;
}

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
  const notFound = (): AgentboxError => new AgentboxError('SESSION_NOT_FOUND', `no session with id ${sessionId}`);
  if (!session) throw notFound();
  if (session.owner === principal) {
    requirePermission(deps.authorizer, principal, `session:${action}:own`);
    return session;
  }
  if (!decide(deps.authorizer, principal, `session:${action}:any`).allowed) throw notFound();
  return session;
}
