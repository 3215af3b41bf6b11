import type { RecordedInput } from './input-origins.js';
import type { FunctionDefinition, WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowProblem } from './workflow-problem.js';

/**
 * The journal of one run: append-only, like a session's event log. A task is identified by
 * its `key`: the task's JSON pointer plus where it ran — `[i]` per enclosing `for` iteration,
 * `#n` for the n-th retry of an enclosing `try`, `~n` for the n-th time a `then:` jump
 * reached it — so every execution of a task has its own record and replay finds it again.
 */
export type RunEventPayload =
  | {
      type: 'run.started';
      definition: WorkflowDefinition;
      input: unknown;
      principal: string;
      /** The sub-workflows `run: workflow` may start, resolved when the run started (by `namespace/name:version`). */
      workflows?: Record<string, WorkflowDefinition>;
      /** The cataloged functions (`name:version@catalog`) as fetched when the run started. */
      functions?: Record<string, FunctionDefinition>;
      /** External resources (schema `resource`, script `source`) as fetched when the run started, by URI. */
      resources?: Record<string, string>;
      /** The hosts `call: http | openapi` may reach in this run (config plus `--allow-host`), kept for resumes. */
      hosts?: string[];
      /** The run and task that started this one with `run.await: false`. */
      parent?: { runId: string; key: string };
    }
  | ({
      type: 'task.started';
      key: string;
      path: string;
      name: string;
      kind: string;
    } & Partial<RecordedInput>)
  | {
      type: 'task.completed';
      key: string;
      path: string;
      output: unknown;
      /** `$context` after the task, when it changed it (`export.as`). */
      context?: unknown;
      /** The flow directive the task chose (a `switch`), when it chose one. */
      then?: string;
    }
  | { type: 'task.skipped'; key: string; path: string }
  | { type: 'task.faulted'; key: string; path: string; error: WorkflowProblem }
  /** A `try` will run its block again after `delayMs` (jitter included, so replay waits the same). */
  | { type: 'task.retrying'; key: string; path: string; attempt: number; delayMs: number }
  | { type: 'event.emitted'; key: string; event: unknown }
  /** A `listen` consumed a posted event (inbox `inboxSeq`): no other listen gets it, a replay knows it was taken. */
  | { type: 'event.consumed'; key: string; inboxSeq: number }
  | { type: 'run.completed'; output: unknown }
  | { type: 'run.faulted'; error: WorkflowProblem }
  | { type: 'run.cancelled'; reason: string };

export type RunEvent = RunEventPayload & { runId: string; seq: number; time: number };

export type RunStatus = 'running' | 'completed' | 'faulted' | 'cancelled';

export function isTerminal(type: RunEventPayload['type']): boolean {
  return type === 'run.completed' || type === 'run.faulted' || type === 'run.cancelled';
}
