/** A run's tasks as the page shows them, folded from its journal events as they stream in. */
import type { InputOrigin } from '../../workflow/input-origins.js';
import type { RunEvent, RunStatus } from '../../workflow/run-events.js';

export interface TimelineTask {
  key: string;
  path: string;
  name: string;
  kind: string;
  status: 'running' | 'completed' | 'faulted' | 'skipped' | 'retrying' | 'cancelled';
  /** What the task received (resolved from the journal's reference when it names one). */
  input?: unknown;
  output?: unknown;
  error?: { type: string; title?: string; detail?: string };
  startedAt: number;
  endedAt?: number;
}

export interface RunTimeline {
  status: RunStatus;
  input: unknown;
  output?: unknown;
  error?: { type: string; title?: string; detail?: string; instance?: string };
  /** By task key, in the order each first started. */
  tasks: Map<string, TimelineTask>;
}

export function emptyTimeline(): RunTimeline {
  return { status: 'running', input: null, tasks: new Map() };
}

/** Folds one journal event into the timeline (pure data; the view redraws from it). */
export function applyToTimeline(timeline: RunTimeline, event: RunEvent): void {
  const task = 'key' in event ? timeline.tasks.get(event.key) : undefined;
  switch (event.type) {
    case 'run.started':
      timeline.input = event.input;
      break;
    case 'task.started': {
      const input = 'inputFrom' in event && event.inputFrom ? resolveOrigin(timeline, event.inputFrom) : 'input' in event ? event.input : undefined;
      if (task) Object.assign(task, { status: 'running', startedAt: event.time, ...(input !== undefined ? { input } : {}) });
      else
        timeline.tasks.set(event.key, {
          key: event.key,
          path: event.path,
          name: event.name,
          kind: event.kind,
          status: 'running',
          startedAt: event.time,
          ...(input !== undefined ? { input } : {}),
        });
      break;
    }
    case 'task.completed':
      if (task) Object.assign(task, { status: 'completed', output: event.output, endedAt: event.time });
      break;
    case 'task.faulted':
      if (task) Object.assign(task, { status: 'faulted', error: event.error, endedAt: event.time });
      break;
    case 'task.skipped':
      if (task) Object.assign(task, { status: 'skipped', endedAt: event.time });
      break;
    case 'task.retrying':
      if (task) task.status = 'retrying';
      break;
    case 'run.completed':
      timeline.status = 'completed';
      timeline.output = event.output;
      break;
    case 'run.faulted':
      timeline.status = 'faulted';
      timeline.error = event.error;
      break;
    case 'run.cancelled':
      timeline.status = 'cancelled';
      break;
    default:
      break;
  }
  if (timeline.status !== 'running') for (const t of timeline.tasks.values()) if (t.status === 'running' || t.status === 'retrying') t.status = 'cancelled';
}

function resolveOrigin(timeline: RunTimeline, origin: InputOrigin): unknown {
  if ('run' in origin) return timeline.input;
  const source = timeline.tasks.get(origin.key);
  return origin.field === 'input' ? source?.input : source?.output;
}

/** Whether a task is a `listen` waiting for a posted event (where Approve / Deny go). */
export function isWaitingListen(timeline: RunTimeline, task: TimelineTask): boolean {
  return timeline.status === 'running' && task.kind === 'listen' && task.status === 'running';
}
