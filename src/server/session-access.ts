import type { Authorizer } from '../auth/authorizer.js';
import type { Session } from '../engine/session.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { AgentRuntime } from '../runtime/agent-runtime.js';

export type SessionAction = 'read' | 'write' | 'delete';

/** Throws FORBIDDEN (403) unless the principal holds the permission. */
export function requirePermission(authorizer: Authorizer, principal: string, permission: string): void {
  const decision = authorizer.decide(principal, permission);
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
  if (!deps.authorizer.decide(principal, `session:${action}:any`).allowed) throw notFound();
  return session;
}
