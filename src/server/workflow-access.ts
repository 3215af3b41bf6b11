import type { Authorizer } from '../auth/authorizer.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { RunSummary, WorkflowJournal } from '../workflow/workflow-journal.js';
import { decide, requirePermission } from './session-access.js';

/** What a request does with a run: read it, drive it (resume, post events), cancel it. */
export type RunAction = 'read' | 'run' | 'cancel';

const actionPermission: Record<Exclude<RunAction, 'read'>, string> = { run: 'workflow:run', cancel: 'workflow:cancel' };

/**
 * Who started each run (from its first event; it never changes), so listing and access
 * checks read one row per run once. Bounded: dropped past 10,000 runs.
 */
export class RunOwners {
  readonly #owners = new Map<string, string>();

  constructor(private readonly journal: WorkflowJournal) {}

  async of(runId: string): Promise<string | undefined> {
    const known = this.#owners.get(runId);
    if (known !== undefined) return known;
    const [first] = await this.journal.events(runId, { limit: 1 });
    if (first?.type !== 'run.started') return undefined;
    if (this.#owners.size >= 10_000) this.#owners.clear();
    this.#owners.set(runId, first.principal);
    return first.principal;
  }
}

/**
 * Loads a run the principal may act on. As with sessions, another principal's run without
 * `workflow:read:any` is answered exactly like a missing one (404), so run ids cannot be
 * probed; an owner lacking `workflow:read:own`, or anyone lacking the action's permission
 * (`workflow:run`, `workflow:cancel`), gets 403.
 */
export async function accessRun(
  deps: { journal: WorkflowJournal; owners: RunOwners; authorizer: Authorizer },
  principal: string,
  runId: string,
  action: RunAction,
): Promise<{ summary: RunSummary; owner: string }> {
  const summary = await deps.journal.get(runId);
  const owner = summary ? await deps.owners.of(runId) : undefined;
  if (!summary || owner === undefined || (owner !== principal && !decide(deps.authorizer, principal, 'workflow:read:any').allowed)) {
    throw new AgentboxError('WORKFLOW_RUN_NOT_FOUND', `no workflow run with id ${runId}`);
  }
  if (owner === principal) requirePermission(deps.authorizer, principal, 'workflow:read:own');
  if (action !== 'read') requirePermission(deps.authorizer, principal, actionPermission[action]);
  return { summary, owner };
}
