import { AgentboxError } from '../errors/agentbox-error.js';
import { isTerminal, type RunEvent, type RunStatus } from './run-events.js';
import type { FunctionDefinition, WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowProblem } from './workflow-problem.js';

export interface TaskRecord {
  path: string;
  name: string;
  status: 'running' | 'completed' | 'faulted' | 'skipped';
}

/** What replay needs of a run, folded from its journal. */
export interface RunState {
  runId: string;
  status: RunStatus;
  definition: WorkflowDefinition | undefined;
  /** Sub-workflows resolved at the start, by `namespace/name:version`. */
  workflows: Record<string, WorkflowDefinition>;
  /** External resources fetched at the start, by URI. */
  resources: Record<string, string>;
  /** Cataloged functions fetched at the start, by reference. */
  functions: Record<string, FunctionDefinition>;
  input: unknown;
  principal: string;
  /** The run's granted hosts, when it was started with a list (`run.started`). */
  hosts?: string[];
  startedAt: number;
  lastSeq: number;
  output?: unknown;
  error?: WorkflowProblem;
  /** Results by task key: a task found here is not run again. */
  completed: Map<string, { output: unknown; context?: unknown; then?: string }>;
  /** Faults by task key: replayed as thrown, so `catch` and retries decide the same again. */
  faulted: Map<string, WorkflowProblem>;
  /** When each key first started (a `wait` resumes for what is left of it). */
  firstStarted: Map<string, number>;
  /** Recorded retries by `try` key and attempt (`key#n`): the delay chosen and when. */
  retries: Map<string, { delayMs: number; time: number }>;
  /** Posted events a `listen` has consumed: inbox seq to the listen's task key. */
  consumed: Map<number, string>;
  /** One row per task key, in the order they first started. */
  tasks: Map<string, TaskRecord>;
  /** Each task path once: the rows of a `for`'s 10,000 iterations share their path string. */
  paths: Map<string, string>;
}

export function emptyRunState(runId: string): RunState {
  return {
    runId,
    status: 'running',
    definition: undefined,
    workflows: {},
    functions: {},
    resources: {},
    input: null,
    principal: '',
    startedAt: 0,
    lastSeq: 0,
    completed: new Map(),
    faulted: new Map(),
    firstStarted: new Map(),
    retries: new Map(),
    consumed: new Map(),
    tasks: new Map(),
    paths: new Map(),
  };
}

/**
 * The pure half of the engine: folds one journal event into the run state. An event out of
 * order (a gap in seq, a task event after the run ended, a second start) is a bug or a
 * second writer, and throws before anything is written.
 */
export function applyRunEvent(state: RunState, event: RunEvent): RunState {
  if (event.seq !== state.lastSeq + 1) throw illegal(`event seq ${event.seq} after ${state.lastSeq}`);
  if (state.lastSeq === 0 && event.type !== 'run.started') throw illegal(`a run must start with run.started, not ${event.type}`);
  if (state.lastSeq > 0 && event.type === 'run.started') throw illegal('run.started twice');
  if (state.status !== 'running') throw illegal(`${event.type} after the run ended (${state.status})`);
  state.lastSeq = event.seq;
  switch (event.type) {
    case 'run.started':
      state.definition = event.definition;
      state.input = event.input;
      state.principal = event.principal;
      state.workflows = event.workflows ?? {};
      state.functions = event.functions ?? {};
      state.resources = event.resources ?? {};
      if (event.hosts) state.hosts = event.hosts;
      state.startedAt = event.time;
      break;
    case 'task.started': {
      if (!state.firstStarted.has(event.key)) state.firstStarted.set(event.key, event.time);
      const row = state.tasks.get(event.key);
      if (row) row.status = 'running';
      else state.tasks.set(event.key, { path: internPath(state, event.path), name: event.name, status: 'running' });
      break;
    }
    case 'task.completed':
      state.completed.set(event.key, {
        output: event.output,
        ...('context' in event ? { context: event.context } : {}),
        ...(event.then ? { then: event.then } : {}),
      });
      setStatus(state, event.key, event.path, 'completed');
      break;
    case 'task.skipped':
      state.completed.set(event.key, { output: undefined });
      setStatus(state, event.key, event.path, 'skipped');
      break;
    case 'task.faulted':
      state.faulted.set(event.key, event.error);
      setStatus(state, event.key, event.path, 'faulted');
      break;
    case 'task.retrying':
      state.retries.set(`${event.key}#${event.attempt}`, { delayMs: event.delayMs, time: event.time });
      break;
    case 'event.consumed':
      state.consumed.set(event.inboxSeq, event.key);
      break;
    case 'run.completed':
      state.output = event.output;
      break;
    case 'run.faulted':
      state.error = event.error;
      break;
    default:
      break;
  }
  if (isTerminal(event.type)) state.status = event.type.slice(4) as RunStatus;
  return state;
}

export function foldRunEvents(runId: string, events: readonly RunEvent[]): RunState {
  const state = emptyRunState(runId);
  for (const event of events) applyRunEvent(state, event);
  return state;
}

function setStatus(state: RunState, key: string, path: string, status: TaskRecord['status']): void {
  const row = state.tasks.get(key);
  if (row) row.status = status;
  else state.tasks.set(key, { path: internPath(state, path), name: path.slice(path.lastIndexOf('/') + 1), status });
}

function internPath(state: RunState, path: string): string {
  const known = state.paths.get(path);
  if (known !== undefined) return known;
  state.paths.set(path, path);
  return path;
}

function illegal(message: string): AgentboxError {
  return new AgentboxError('ILLEGAL_TRANSITION', `workflow journal: ${message}`, { details: { from: 'journal', to: message } });
}
