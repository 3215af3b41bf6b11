import { AgentboxError } from '../../errors/agentbox-error.js';
import { parseInput, parseSessionId, readJsonBody } from '../parse-input.js';
import { approvalBodySchema, approvalParamsSchema, createSessionBodySchema, listSessionsQuerySchema } from '../request-schemas.js';
import { elicitationBodySchema, elicitationParamsSchema } from '../request-schemas.js';
import { SessionJsonCache } from '../session-json-cache.js';
import { accessSession, decide, requirePermission } from '../session-access.js';
import type { GuardedRoutes } from '../request-guard.js';
import type { ServerDeps } from '../server-env.js';

/** Create, list, get, delete sessions; decide approvals; cancel a running turn. */
export function registerSessionRoutes(routes: GuardedRoutes, deps: ServerDeps): void {
  const { runtime, authorizer } = deps;
  // The JSON of sessions served by GET, reused while each is at the same version.
  const json = new SessionJsonCache();

  routes.post('/v1/sessions', async (c) => {
    const principal = c.get('principal');
    const body = parseInput(createSessionBodySchema, await readJsonBody(c.req.raw), 'body');
    requirePermission(authorizer, principal, 'session:write:own');
    const session = await runtime.createSession({
      owner: principal,
      ...(body.system !== undefined ? { system: body.system } : {}),
      ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
    });
    return c.json(session, 201);
  });

  routes.get('/v1/sessions', async (c) => {
    const principal = c.get('principal');
    const { limit, offset } = parseInput(listSessionsQuerySchema, c.req.query(), 'query');
    const seesAll = decide(authorizer, principal, 'session:read:any').allowed;
    if (!seesAll) requirePermission(authorizer, principal, 'session:read:own');
    const data = await runtime.listSessions({ limit, offset, ...(seesAll ? {} : { owner: principal }) });
    return c.json({ data });
  });

  routes.get('/v1/sessions/:id', async (c) => {
    const id = parseSessionId(c.req.param('id'));
    return json.response(await accessSession(deps, c.get('principal'), id, 'read'));
  });

  routes.delete('/v1/sessions/:id', async (c) => {
    const id = parseSessionId(c.req.param('id'));
    await accessSession(deps, c.get('principal'), id, 'delete');
    if (deps.turns.has(id)) throw new AgentboxError('SESSION_BUSY', `session ${id} is running a turn; cancel it first`);
    await runtime.deleteSession(id);
    json.forget(id);
    return c.body(null, 204);
  });

  routes.post('/v1/sessions/:id/approvals/:callId', async (c) => {
    const { id, callId } = parseInput(approvalParamsSchema, c.req.param(), 'params');
    const body = parseInput(approvalBodySchema, await readJsonBody(c.req.raw), 'body');
    const principal = c.get('principal');
    await accessSession(deps, principal, id, 'write');
    const decided = runtime.decide(id, callId, { approved: body.approved, by: principal, ...(body.reason !== undefined ? { reason: body.reason } : {}) });
    if (!decided) throw new AgentboxError('NOT_FOUND', `no pending approval ${callId} in session ${id}`);
    return c.json({ callId, approved: body.approved });
  });

  // A tool's form (MCP elicitation), answered by whoever may write the session; nothing is sent on a 400.
  routes.post('/v1/sessions/:id/elicitations/:elicitationId', async (c) => {
    const { id, elicitationId } = parseInput(elicitationParamsSchema, c.req.param(), 'params');
    const body = parseInput(elicitationBodySchema, await readJsonBody(c.req.raw), 'body');
    const principal = c.get('principal');
    await accessSession(deps, principal, id, 'write');
    const answered = runtime.answerElicitation(id, elicitationId, {
      action: body.action,
      ...(body.content !== undefined ? { content: body.content } : {}),
      by: principal,
    });
    if (!answered) throw new AgentboxError('NOT_FOUND', `no pending elicitation ${elicitationId} in session ${id}`);
    return c.json({ id: elicitationId, action: body.action });
  });

  routes.post('/v1/sessions/:id/cancel', async (c) => {
    const id = parseSessionId(c.req.param('id'));
    await accessSession(deps, c.get('principal'), id, 'write');
    return c.json({ cancelled: runtime.cancel(id) });
  });
}
