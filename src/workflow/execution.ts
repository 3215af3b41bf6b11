import { AgentboxError } from '../errors/agentbox-error.js';
import type { JqEvaluator } from './jq-evaluator.js';
import type { RunRecorder, WorkflowClock } from './run-recorder.js';
import { evaluateCondition, evaluateTemplate, type ExpressionScope } from './runtime-expression.js';
import { assertMatchesSchema } from './data-schema.js';
import { runTaskKind } from './run-task-kind.js';
import { timeoutMs, withTimeout } from './task-timeout.js';
import { entryOf, taskKindOf } from './task-tree.js';
import type { Task, TaskList, WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowHost } from './workflow-host.js';
import type { TokenCache } from './http-authentication.js';
import type { ScriptSandbox } from '../sandbox/script/script-sandbox.js';
import { problem, WorkflowFault } from './workflow-problem.js';

/** Where a task list runs: its key suffix, the loop/catch variables, and its `$context` box. */
export interface Frame {
  /** Appended to task paths to make journal keys (`[2]`, `#1`, …). */
  suffix: string;
  /** The same without retry attempts: idempotency keys stay stable across retries. */
  stableSuffix: string;
  variables: Record<string, unknown>;
  /** Shared by the tasks of one sequence; a parallel iteration gets its own copy. */
  context: { value: unknown };
}

export interface TaskOutcome {
  output: unknown;
  /** A flow directive the task chose at run time (`switch`). */
  then?: string;
}

export interface ListOutcome {
  output: unknown;
  /** `then: end` was reached: the workflow ends with this output. */
  ended: boolean;
}

export interface ExecutionOptions {
  runId: string;
  definition: WorkflowDefinition;
  recorder: RunRecorder;
  jq: JqEvaluator;
  host: WorkflowHost;
  clock: WorkflowClock;
  signal: AbortSignal;
  principal: string;
  /** The run's granted hosts for `call: http | openapi`, when it was started with a list. */
  hosts?: readonly string[];
  workflowInput: unknown;
  secrets: Record<string, unknown>;
  random: () => number;
  /** Sub-workflows the run may start (`run: workflow`), by `namespace/name:version`, journaled with the run. */
  workflows: Record<string, WorkflowDefinition>;
  /** Cataloged functions, fetched and journaled when the run started. */
  catalogFunctions?: Record<string, unknown>;
  /** How many `run: workflow` levels this execution is inside (a self-running workflow stops at a limit). */
  depth: number;
  /** The run's `run: script` sandbox, opened when a script first runs. */
  scripts: () => Promise<ScriptSandbox>;
  /** Schema resources fetched when the run started, parsed, by URI. */
  schemaResources: ReadonlyMap<string, Record<string, unknown>>;
  /** Script sources fetched when the run started, by URI. */
  scriptSources: Readonly<Record<string, string>>;
  /** OAuth2 access tokens of this run (memory only, never journaled). */
  tokens: TokenCache;
  /** Starts a run of its own for `run.await: false` (once: an id already started is left alone). */
  detach?: (request: DetachRequest) => Promise<void>;
}

/** A run started by a task that does not wait for it: its id derives from the parent's and the task's. */
export interface DetachRequest {
  runId: string;
  definition: WorkflowDefinition;
  input: unknown;
  parent: { runId: string; key: string };
}

/**
 * The effectful half of the engine: walks the definition, and for each task either replays
 * its recorded result (the journal fold says it finished) or runs it and journals the start,
 * the result or the fault. Every decision it makes (switch, while, retry) is a function of
 * recorded data, so a replay takes the same path.
 */
export class Execution {
  constructor(readonly options: ExecutionOptions) {}

  /**
   * The definition's own data flow around its task list: `input.from`, the list at
   * `prefix/do`, `output.as`. The top-level run uses prefix `''`; a sub-workflow its task's
   * `…/run/workflow`, so its tasks are journaled under the parent's path.
   */
  async runDefinition(prefix: string, input: unknown, frame: Frame, startedAt: number): Promise<unknown> {
    const { definition, jq, clock, signal } = this.options;
    assertMatchesSchema(definition.input?.schema, input, { instance: prefix, what: 'the workflow input' }, this.options.schemaResources);
    if (prefix === '') this.options.recorder.inputs.note(input, { run: 'input' });
    const scope = { jq, path: `${prefix}/input/from`, args: this.argumentsFor({ name: '', task: {} as never, path: prefix, input, frame, extra: {} }) };
    const filtered = definition.input?.from !== undefined ? await evaluateTemplate(definition.input.from, input, scope) : input;
    const ms = definition.timeout !== undefined ? timeoutMs(definition.timeout, definition) : undefined;
    const outcome =
      ms === undefined
        ? await this.runList(definition.do, `${prefix}/do`, filtered, frame)
        : await withTimeout({ clock, signal }, { ms, startedAt, instance: prefix, what: 'the workflow' }, (limited) =>
            new Execution({ ...this.options, signal: limited }).runList(definition.do, `${prefix}/do`, filtered, frame),
          );
    const output =
      definition.output?.as !== undefined
        ? await evaluateTemplate(definition.output.as, outcome.output, { ...scope, path: `${prefix}/output/as` })
        : outcome.output;
    assertMatchesSchema(definition.output?.schema, output, { instance: prefix, what: 'the workflow output' }, this.options.schemaResources);
    return output;
  }

  async runList(list: TaskList, listPath: string, input: unknown, frame: Frame): Promise<ListOutcome> {
    const entries = list.map((item) => entryOf(item) as [string, Task]);
    const visits = new Map<string, number>();
    let current = input;
    let index = 0;
    while (index < entries.length) {
      const [name, task] = entries[index] as [string, Task];
      const visit = visits.get(name) ?? 0;
      visits.set(name, visit + 1);
      const path = `${listPath}/${index}/${name}`;
      const outcome = await this.runTask({ name, task, path, input: current, frame, visit });
      current = outcome.output;
      const flow = outcome.then ?? (task.then as string | undefined) ?? 'continue';
      if (flow === 'end') return { output: current, ended: true };
      if (flow === 'exit') return { output: current, ended: false };
      if (flow === 'continue') index += 1;
      else {
        const target = entries.findIndex(([n]) => n === flow);
        // Validation refuses unknown targets; reaching one here means an unvalidated definition.
        if (target < 0)
          throw new WorkflowFault(problem('configuration', { title: 'unknown then target', detail: `no task '${flow}' in this list`, instance: path }));
        index = target;
      }
    }
    return { output: current, ended: false };
  }

  async runTask(at: { name: string; task: Task; path: string; input: unknown; frame: Frame; visit: number }): Promise<TaskOutcome> {
    const { name, task, path, frame } = at;
    const visitMark = at.visit > 0 ? `~${at.visit}` : '';
    const key = `${path}${frame.suffix}${visitMark}`;
    const state = this.options.recorder.state;
    const done = state.completed.get(key);
    if (done) {
      if ('context' in done) frame.context.value = done.context;
      this.options.recorder.inputs.note(done.output, { key, field: 'output' });
      return { output: done.output === undefined ? at.input : done.output, ...(done.then ? { then: done.then } : {}) };
    }
    const fault = state.faulted.get(key);
    if (fault) throw new WorkflowFault(fault);
    if (this.options.signal.aborted) {
      // The reason says who stopped it (a `cancel` request, a fork's winner, a suspend), when it is ours.
      const reason: unknown = this.options.signal.reason;
      throw AgentboxError.isInstance(reason) ? reason : new AgentboxError('CANCELLED', 'the run was cancelled');
    }
    const kind = taskKindOf(task) ?? 'unknown';
    const scope = (input: unknown, extra: Record<string, unknown> = {}): ExpressionScope => ({
      jq: this.options.jq,
      path,
      args: this.argumentsFor({ name, task, path, input, frame, extra }),
    });
    if (task.if !== undefined && !(await evaluateCondition(task.if, at.input, scope(at.input)))) {
      this.options.recorder.record({ type: 'task.skipped', key, path });
      return { output: at.input };
    }
    const recorder = this.options.recorder;
    recorder.record({ type: 'task.started', key, path, name, kind, ...recorder.inputs.describe(at.input, { key, field: 'input' }) });
    // A composite task's children may change $context without the task exporting: its
    // record must carry the context after it, or a replay that skips it would lose that.
    const contextBefore = frame.context.value;
    try {
      assertMatchesSchema(task.input?.schema, at.input, { instance: path, what: 'the task input' }, this.options.schemaResources);
      const input = task.input?.from !== undefined ? await evaluateTemplate(task.input.from, at.input, scope(at.input)) : at.input;
      const run = { name, task, kind, path, key, stableKey: `${path}${frame.stableSuffix}${visitMark}`, input, frame, scope: scope(input) };
      const ms = task.timeout !== undefined ? timeoutMs(task.timeout, this.options.definition) : undefined;
      const { clock, signal } = this.options;
      // The limit counts from the task's first journaled start: a resume has only what is left.
      const raw =
        ms === undefined
          ? await runTaskKind(this, run)
          : await withTimeout({ clock, signal }, { ms, startedAt: state.firstStarted.get(key) ?? clock.now(), instance: path, what: 'the task' }, (limited) =>
              runTaskKind(new Execution({ ...this.options, signal: limited }), run),
            );
      const output = task.output?.as !== undefined ? await evaluateTemplate(task.output.as, raw.output, scope(input, { output: raw.output })) : raw.output;
      assertMatchesSchema(task.output?.schema, output, { instance: path, what: 'the task output' }, this.options.schemaResources);
      if (task.export?.as !== undefined) frame.context.value = await evaluateTemplate(task.export.as, output, scope(input, { output }));
      recorder.inputs.note(output, { key, field: 'output' });
      this.options.recorder.record({
        type: 'task.completed',
        key,
        path,
        output,
        ...(frame.context.value !== contextBefore ? { context: frame.context.value } : {}),
        ...(raw.then ? { then: raw.then } : {}),
      });
      return { output, ...(raw.then ? { then: raw.then } : {}) };
    } catch (error) {
      if (!WorkflowFault.isFault(error) || this.options.recorder.failed) throw error;
      // Each enclosing task records the fault it let through, so its row says faulted too.
      this.options.recorder.record({ type: 'task.faulted', key, path, error: error.problem });
      throw error;
    }
  }

  /** The spec's runtime arguments for an expression of this task (`$secrets` never reaches the journal). */
  argumentsFor(at: { name: string; task: Task; path: string; input: unknown; frame: Frame; extra: Record<string, unknown> }): Record<string, unknown> {
    const o = this.options;
    return {
      context: at.frame.context.value ?? null,
      input: at.input ?? null,
      output: null,
      secrets: o.secrets,
      authorization: null,
      task: { name: at.name, reference: at.path, definition: at.task, input: at.input ?? null },
      workflow: { id: o.runId, definition: o.definition, input: o.workflowInput ?? null, startedAt: { epoch: { milliseconds: o.recorder.state.startedAt } } },
      runtime: { name: 'agentbox', version: '0.1.0', metadata: {} },
      ...at.frame.variables,
      ...at.extra,
    };
  }
}
