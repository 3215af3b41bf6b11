import type { RunEvent } from './run-events.js';
import type { RunState } from './run-state.js';
import type { RunResult } from './workflow-engine.js';
import type { EventFilter } from './workflow-definition.js';
import type { WorkflowProblem } from './workflow-problem.js';

/** A run as the CLI's `workflow status --json` and the service's `GET /v1/workflows/runs/{id}` show it. */
export interface RunReport {
  runId: string;
  status: RunResult['status'];
  /** Only when completed (`null` for a run that produced nothing). */
  output?: unknown;
  /** Only when faulted: the spec's RFC 7807 problem. */
  error?: WorkflowProblem;
  /** Every task that started, in the order it first started; one left running by an ended run is `cancelled`. */
  tasks: Array<{ path: string; key?: string; name: string; status: 'completed' | 'faulted' | 'skipped' | 'cancelled' | 'running' }>;
}

/** A `listen` task waiting for a posted event: where it is and what it takes. */
export interface WaitingListen {
  /** The task's key (its path plus where it ran: `[i]` in a `for`, …). */
  key: string;
  path: string;
  name: string;
  /** `one`, `any` or `all`, with the filters of the task's `listen.to`, when the definition holds it. */
  to?: { one?: EventFilter; any?: EventFilter[]; all?: EventFilter[] };
}

/** The report of a run result: `output` only when completed, `error` only when faulted. */
export function runReport(result: RunResult): RunReport {
  const { runId, status, tasks } = result;
  return {
    runId,
    status,
    ...(status === 'completed' ? { output: result.output ?? null } : {}),
    ...(result.error ? { error: result.error } : {}),
    tasks: tasks.map(({ path, key, name, status: s }) => ({
      path,
      ...(key !== undefined ? { key } : {}),
      name,
      status: s === 'running' && status !== 'running' ? 'cancelled' : s,
    })),
  };
}

/**
 * The `listen` tasks of a running run that have started and not ended, from its journal:
 * what an approval page offers buttons for. An ended run waits for nothing.
 */
export function waitingListens(events: readonly RunEvent[]): WaitingListen[] {
  const first = events[0];
  const definition = first?.type === 'run.started' ? first.definition : undefined;
  const open = new Map<string, WaitingListen>();
  for (const event of events) {
    if (event.type === 'task.started' && event.kind === 'listen') {
      const to = listenTo(definition, event.path);
      open.set(event.key, { key: event.key, path: event.path, name: event.name, ...(to ? { to } : {}) });
    } else if (event.type === 'task.completed' || event.type === 'task.faulted' || event.type === 'task.skipped') open.delete(event.key);
    else if (event.type === 'run.completed' || event.type === 'run.faulted' || event.type === 'run.cancelled') return [];
  }
  return [...open.values()];
}

/** The task's `listen.to`, found by walking its JSON pointer through the definition (`/do/1/approval`). */
function listenTo(definition: unknown, path: string): WaitingListen['to'] {
  let node: unknown = definition;
  for (const segment of path.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  const to = (node as { listen?: { to?: unknown } } | undefined)?.listen?.to;
  return to !== null && typeof to === 'object' ? (to as WaitingListen['to']) : undefined;
}

/** The result of a run as its folded journal tells it; a task left running by an ended run is `cancelled`. */
export function resultOf(state: RunState): RunResult {
  const tasks = [...state.tasks.entries()].map(([key, t]) => ({
    path: t.path,
    ...(key !== t.path ? { key } : {}),
    name: t.name,
    status: t.status === 'running' && state.status !== 'running' ? ('cancelled' as const) : t.status,
  }));
  return {
    runId: state.runId,
    status: state.status,
    ...(state.status === 'completed' ? { output: state.output } : {}),
    ...(state.error ? { error: state.error } : {}),
    tasks,
  };
}
