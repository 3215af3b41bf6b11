import { z } from 'zod';
import type { Authorizer } from '../../auth/authorizer.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { resultOf, runReport, waitingListens } from '../../workflow/run-report.js';
import { foldRunEvents } from '../../workflow/run-state.js';
import { WorkflowValidationError } from '../../workflow/workflow-issue.js';
import type { RunSummary } from '../../workflow/workflow-journal.js';
import { parseInput, readJsonBody } from '../parse-input.js';
import type { GuardedRoutes } from '../request-guard.js';
import { eventsQuerySchema, lastEventIdSchema } from '../request-schemas.js';
import type { ServerDeps } from '../server-env.js';
import { decide, requirePermission } from '../session-access.js';
import { wantsEventStream } from '../sse-response.js';
import { accessRun, RunOwners } from '../workflow-access.js';
import { workflowEventStream } from '../workflow-event-stream.js';
import { listRunsQuerySchema, postRunEventBodySchema, runIdPattern, startRunBodySchema } from '../workflow-request-schemas.js';
import type { WorkflowRuns } from '../workflow-runs.js';

const lastEventIdHeaderSchema = z.object({ 'last-event-id': lastEventIdSchema.optional() });

export interface WorkflowRouteDeps extends Pick<ServerDeps, 'streams' | 'streamCapacity'> {
  workflows: WorkflowRuns;
  authorizer: Authorizer;
}

/**
 * Workflow runs over HTTP: start one from an inline definition, read, list, cancel and
 * resume runs, post events to their `listen` tasks, and stream their journals as SSE. Runs
 * execute in the service's process, in the background, as the caller's principal.
 */
export function registerWorkflowRoutes(routes: GuardedRoutes, deps: WorkflowRouteDeps): void {
  const { workflows, authorizer } = deps;
  const { journal } = workflows;
  const owners = new RunOwners(journal);
  const access = { journal, owners, authorizer };

  routes.post('/v1/workflows/runs', async (c) => {
    const principal = c.get('principal');
    const body = parseInput(startRunBodySchema, await readJsonBody(c.req.raw), 'body');
    requirePermission(authorizer, principal, 'workflow:run');
    const definition = typeof body.definition === 'string' ? await parseDefinition(body.definition) : body.definition;
    const started = await workflows.start(definition, { input: body.input ?? {}, principal });
    return c.json(started, 201);
  });

  routes.get('/v1/workflows/runs', async (c) => {
    const principal = c.get('principal');
    const query = parseInput(listRunsQuerySchema, c.req.query(), 'query');
    const seesAll = decide(authorizer, principal, 'workflow:read:any').allowed;
    if (!seesAll) requirePermission(authorizer, principal, 'workflow:read:own');
    const data: Array<RunSummary & { principal: string }> = [];
    // The journal lists every run; the owner filter needs each run's first event (cached).
    for (const run of await journal.list()) {
      if (query.status && run.status !== query.status) continue;
      const owner = await owners.of(run.runId);
      if (owner === undefined || (!seesAll && owner !== principal)) continue;
      data.push({ ...run, principal: owner });
      if (data.length >= query.limit) break;
    }
    return c.json({ data });
  });

  routes.get('/v1/workflows/runs/:id', async (c) => {
    const id = parseRunId(c.req.param('id'));
    const { summary, owner } = await accessRun(access, c.get('principal'), id, 'read');
    const events = await journal.events(id);
    const report = runReport(resultOf(foldRunEvents(id, events)));
    const first = events[0];
    return c.json({
      ...report,
      workflow: summary.workflow,
      principal: owner,
      createdAt: summary.createdAt,
      updatedAt: summary.updatedAt,
      input: first?.type === 'run.started' ? first.input : null,
      waiting: waitingListens(events),
      ...(summary.cancelRequested !== undefined ? { cancelRequested: summary.cancelRequested } : {}),
    });
  });

  routes.post('/v1/workflows/runs/:id/cancel', async (c) => {
    const id = parseRunId(c.req.param('id'));
    const principal = c.get('principal');
    await accessRun(access, principal, id, 'cancel');
    const { cancelled, status } = await workflows.cancel(id, `cancelled by ${principal} over HTTP`);
    return c.json({ runId: id, status, cancelled }, cancelled ? 200 : 202);
  });

  routes.post('/v1/workflows/runs/:id/resume', async (c) => {
    const id = parseRunId(c.req.param('id'));
    await accessRun(access, c.get('principal'), id, 'run');
    const resumed = await workflows.resume(id);
    return c.json(resumed, resumed.status === 'running' ? 202 : 200);
  });

  routes.post('/v1/workflows/runs/:id/events', async (c) => {
    const id = parseRunId(c.req.param('id'));
    const body = parseInput(postRunEventBodySchema, await readJsonBody(c.req.raw), 'body');
    const principal = c.get('principal');
    await accessRun(access, principal, id, 'run');
    // An approval is the event an approval step listens for (`type: approval`); who posted it is kept with it.
    const event =
      'approved' in body ? { type: 'approval', data: { approved: body.approved, ...(body.reason !== undefined ? { reason: body.reason } : {}) } } : body;
    const seq = await workflows.engine.postEvent(id, { ...event, postedBy: principal });
    return c.json({ runId: id, seq }, 202);
  });

  routes.get('/v1/workflows/runs/:id/events', async (c) => {
    const id = parseRunId(c.req.param('id'));
    const query = parseInput(eventsQuerySchema, c.req.query(), 'query');
    const headers = parseInput(lastEventIdHeaderSchema, { 'last-event-id': c.req.header('last-event-id') }, 'headers');
    await accessRun(access, c.get('principal'), id, 'read');
    const afterSeq = headers['last-event-id'] ?? query.after ?? 0;
    if (!wantsEventStream(c) && (c.req.header('accept') ?? '').includes('application/json')) {
      return c.json({ data: await journal.events(id, { afterSeq }) });
    }
    return workflowEventStream({ runId: id, journal, afterSeq, streams: deps.streams, capacity: deps.streamCapacity });
  });
}

function parseRunId(id: string | undefined): string {
  if (id !== undefined && runIdPattern.test(id)) return id;
  throw new AgentboxError('INVALID_INPUT', 'params.id: not a valid run id', { details: { issues: [{ path: 'params.id', message: 'not a valid run id' }] } });
}

/** YAML or JSON text (YAML is a superset): the first document is the workflow. */
async function parseDefinition(text: string): Promise<unknown> {
  const { parseAllDocuments } = await import('yaml');
  const parsed = parseAllDocuments(text);
  const [first] = Array.isArray(parsed) ? parsed : [parsed];
  const failed = first?.errors[0];
  if (!first || failed) {
    throw new WorkflowValidationError([
      { code: 'structure', severity: 'error', path: '', message: `the definition is not valid YAML or JSON: ${failed?.message ?? 'empty'}` },
    ]);
  }
  return first.toJS() as unknown;
}
