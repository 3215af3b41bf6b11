import { AgentboxError } from '../errors/agentbox-error.js';
import { type DetachRequest, Execution, type Frame } from './execution.js';
import { JqEvaluator } from './jq-evaluator.js';
import type { RunEvent, RunStatus } from './run-events.js';
import { RunRecorder, type WorkflowClock } from './run-recorder.js';
import { secretRedactor } from './redact-secrets.js';
import { resultOf } from './run-report.js';
import { evaluateTemplate } from './runtime-expression.js';
import { resolveCatalogFunctions } from './resolve-catalog-functions.js';
import { parseSchemaText, resolveExternalResources } from './resolve-external-resources.js';
import { emptyRunState, foldRunEvents, type RunState } from './run-state.js';
import { systemWorkflowClock } from './system-workflow-clock.js';
import { validateWorkflow } from './validate-workflow.js';
import { assertMatchesSchema } from './data-schema.js';
import { resolveSubWorkflows, workflowKey, type WorkflowResolver } from './sub-workflows.js';
import type { ScriptSandbox } from '../sandbox/script/script-sandbox.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowHost } from './workflow-host.js';
import { WorkflowValidationError } from './workflow-issue.js';
import type { RunSummary, WorkflowJournal } from './workflow-journal.js';
import { WorkflowFault, type WorkflowProblem } from './workflow-problem.js';

export interface WorkflowEngineOptions {
  journal: WorkflowJournal;
  host: WorkflowHost;
  jq?: JqEvaluator;
  clock?: WorkflowClock;
  /**
   * `$secrets` in expressions: from configuration only. Their exact values (strings of 4 or
   * more characters) are replaced by `[redacted]` in every journal event, in `onEvent` and
   * in a run's result; a value a task transforms (encodes, splits) is not recognised.
   */
  secrets?: Record<string, unknown>;
  /** For retry jitter; default `Math.random`. */
  random?: () => number;
  newId?: () => string;
  /** This process's lease holder id (`agentbox/node` uses host and pid); default a random id. */
  holder?: string;
  /** How long a lease lasts without renewal; default 30 s. Renewed by every write and a heartbeat. */
  leaseTtlMs?: number;
  /** Finds the workflows `run: workflow` names (besides the run's own definition); resolved once, when a run starts. */
  resolveWorkflow?: WorkflowResolver;
  /** The sandbox of `run: script` (language js); default a QuickJS sandbox, created when a script first runs. */
  scripts?: ScriptSandbox;
  /** Every journal event as it is recorded (progress lines). */
  onEvent?: (event: RunEvent) => void;
}

export interface StartOptions {
  input?: unknown;
  /** Who runs it: its tools run with this principal's grants, on start and on every resume. */
  principal?: string;
  signal?: AbortSignal;
  runId?: string;
  /**
   * The hosts `call: http | openapi` may reach (host patterns, as `tools.http.hosts`).
   * Journaled with the run, so a resume, or `agentbox serve` recovering it, keeps them.
   * Absent: the host's own grants apply at each call.
   */
  hosts?: readonly string[];
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  output?: unknown;
  error?: WorkflowProblem;
  /** Every task that started, in the order it first started, nested ones with their full path. */
  /** `key` (the journal key: the path plus `[i]` in a `for`, `#n` for a retry attempt, `~n` for a `then:` revisit) only where it differs from `path`. */
  tasks: Array<{ path: string; key?: string; name: string; status: 'running' | 'completed' | 'faulted' | 'skipped' | 'cancelled' }>;
}

/**
 * Runs workflows durably: `start` journals a new run and executes it; `resume` replays a
 * run's journal (finished tasks are not run again) and goes on from where it stopped. One
 * process at a time holds a run (a lease in the journal); a second `resume` is refused with
 * WORKFLOW_RUN_BUSY while the first is alive.
 *
 * @example
 * const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host });
 * const result = await engine.start(definition, { input: { name: 'Ada' } });
 */
export class WorkflowEngine {
  readonly #o: WorkflowEngineOptions;
  readonly #jq: JqEvaluator;
  readonly #clock: WorkflowClock;
  readonly #holder: string;
  readonly #ttl: number;
  readonly #redact: (<T>(value: T) => T) | undefined;
  #scripts: Promise<ScriptSandbox> | undefined;
  readonly #detached = new Map<Promise<void>, AbortController>();

  constructor(options: WorkflowEngineOptions) {
    this.#o = options;
    this.#jq = options.jq ?? new JqEvaluator();
    this.#clock = options.clock ?? systemWorkflowClock;
    this.#holder = options.holder ?? crypto.randomUUID();
    this.#ttl = options.leaseTtlMs ?? 30_000;
    this.#redact = secretRedactor(options.secrets ?? {});
  }

  get jq(): JqEvaluator {
    return this.#jq;
  }

  /** Validates, journals and runs a new run. Invalid definitions throw WORKFLOW_INVALID before anything is written. */
  async start(definition: unknown, options: StartOptions = {}): Promise<RunResult> {
    const { state, recorder } = await this.#create(definition, options);
    return this.#execute(state, recorder, options.signal);
  }

  /** How many runs this engine started with `run.await: false` are still going in this process. */
  get detachedRuns(): number {
    return this.#detached.size;
  }

  /**
   * Settles when every run this engine started with `run.await: false` has ended. `close`
   * does not wait: it suspends them (they stay `running`, resumable, like a shutdown's).
   */
  async settled(): Promise<void> {
    while (this.#detached.size > 0) await Promise.allSettled([...this.#detached.keys()]);
  }

  async #detach(request: DetachRequest, parent: RunState): Promise<void> {
    // A resumed parent may reach the task again: the run it started is not started twice.
    if (await this.#o.journal.get(request.runId)) return;
    const { state, recorder } = await this.#create(request.definition, {
      input: request.input,
      principal: parent.principal,
      runId: request.runId,
      ...(parent.hosts ? { hosts: parent.hosts } : {}),
      parent: request.parent,
    });
    const suspend = new AbortController();
    const running = this.#execute(state, recorder, suspend.signal).then(
      () => undefined,
      () => undefined,
    );
    this.#detached.set(running, suspend);
    void running.finally(() => this.#detached.delete(running));
  }

  async #create(definition: unknown, options: StartOptions & { parent?: DetachRequest['parent'] }): Promise<{ state: RunState; recorder: RunRecorder }> {
    const validation = await validateWorkflow(definition, { jq: this.#jq });
    const blocking = validation.issues.filter((i) => i.severity === 'error' || i.code === 'not-implemented');
    if (!validation.ok || blocking.length > 0) throw new WorkflowValidationError(blocking);
    const workflow = validation.workflow;
    const resolved = await resolveSubWorkflows(workflow, {
      resolve: this.#o.resolveWorkflow,
      validate: async (value) => {
        const checked = await validateWorkflow(value, { jq: this.#jq });
        return checked.ok ? { workflow: checked.workflow, issues: checked.issues } : { issues: checked.issues };
      },
    });
    if (resolved.issues.length > 0) throw new WorkflowValidationError(resolved.issues);
    const { [workflowKey(workflow.document)]: _self, ...workflows } = resolved.workflows;
    const runId = options.runId ?? this.#o.newId?.() ?? crypto.randomUUID();
    const catalog = await resolveCatalogFunctions([workflow, ...Object.values(workflows)], {
      host: this.#o.host,
      principal: options.principal ?? 'local',
      runId,
      ...(options.hosts ? { hosts: options.hosts } : {}),
      check: async (fn, reference) => {
        const checked = await validateWorkflow(
          { document: { dsl: '1.0.0', namespace: 'catalog', name: 'function', version: '0.0.0' }, do: [{ [reference.split(':')[0] ?? 'fn']: fn }] },
          { jq: this.#jq },
        );
        return checked.issues;
      },
    });
    if (catalog.issues.length > 0) throw new WorkflowValidationError(catalog.issues);
    const secrets = this.#o.secrets ?? {};
    const external = await resolveExternalResources([workflow, ...Object.values(workflows)], {
      host: this.#o.host,
      principal: options.principal ?? 'local',
      runId,
      ...(options.hosts ? { hosts: options.hosts } : {}),
      secrets,
      now: () => this.#clock.now(),
      // A policy's expressions see the run's input and the secrets, as a task's would.
      evaluate: (value) =>
        evaluateTemplate(value, options.input ?? {}, {
          jq: this.#jq,
          path: '',
          args: { secrets, input: options.input ?? {}, context: {}, workflow: { id: runId } },
        }),
    });
    if (external.issues.length > 0) throw new WorkflowValidationError(external.issues);
    try {
      assertMatchesSchema(workflow.input?.schema, options.input ?? {}, { instance: '', what: 'the workflow input' }, await parseSchemas(external.resources));
    } catch (error) {
      // Refused before anything is journaled, like an invalid definition.
      const detail = WorkflowFault.isFault(error) ? error.problem.detail : String(error);
      throw new AgentboxError('INVALID_INPUT', `the workflow input does not match input.schema: ${detail}`, { cause: error });
    }
    const state = emptyRunState(runId);
    const recorder = this.#recorder(state);
    recorder.record({
      type: 'run.started',
      definition: workflow,
      input: options.input ?? {},
      principal: options.principal ?? 'local',
      ...(Object.keys(workflows).length > 0 ? { workflows } : {}),
      ...(Object.keys(catalog.functions).length > 0 ? { functions: catalog.functions } : {}),
      ...(Object.keys(external.resources).length > 0 ? { resources: external.resources } : {}),
      ...(options.hosts ? { hosts: [...options.hosts] } : {}),
      ...(options.parent ? { parent: options.parent } : {}),
    });
    // The first event goes in with the run's row and its lease, in one transaction.
    await this.#o.journal.create(runId, { workflow: `${workflow.document.namespace}/${workflow.document.name}` }, recorder.takeQueued(), this.#lease());
    recorder.announce();
    return { state, recorder };
  }

  /** Replays and continues a run. WORKFLOW_RUN_NOT_FOUND, or WORKFLOW_RUN_BUSY if another process holds it. */
  async resume(runId: string, options: { signal?: AbortSignal } = {}): Promise<RunResult> {
    if (!(await this.#o.journal.get(runId))) throw new AgentboxError('WORKFLOW_RUN_NOT_FOUND', `no workflow run with id ${runId}`);
    if (!(await this.#o.journal.claim(runId, this.#lease()))) {
      throw new AgentboxError('WORKFLOW_RUN_BUSY', `run ${runId} is held by another process (it is running or being resumed)`);
    }
    const state = foldRunEvents(runId, await this.#o.journal.events(runId));
    if (state.status !== 'running') {
      await this.#o.journal.release(runId, this.#holder);
      return resultOf(state);
    }
    return this.#execute(state, this.#recorder(state), options.signal);
  }

  /**
   * Cancels a run. A run no process holds (never resumed after a crash) is cancelled here
   * and now; a run another live process holds is asked to stop (it polls every second and
   * ends `cancelled` at its next task boundary or in its current call or wait), and
   * `cancelled: false` says the request is pending. WORKFLOW_RUN_FINISHED if it has ended.
   */
  async cancel(runId: string, options: { reason?: string } = {}): Promise<{ cancelled: boolean; result: RunResult }> {
    const reason = options.reason ?? 'cancelled by request';
    if (!(await this.#o.journal.get(runId))) throw new AgentboxError('WORKFLOW_RUN_NOT_FOUND', `no workflow run with id ${runId}`);
    const finished = (state: RunState): AgentboxError =>
      new AgentboxError('WORKFLOW_RUN_FINISHED', `run ${runId} has already ended (${state.status})`, { details: { status: state.status } });
    if (!(await this.#o.journal.claim(runId, this.#lease()))) {
      const state = foldRunEvents(runId, await this.#o.journal.events(runId));
      if (state.status !== 'running') throw finished(state);
      await this.#o.journal.requestCancel(runId, reason);
      return { cancelled: false, result: resultOf(state) };
    }
    const state = foldRunEvents(runId, await this.#o.journal.events(runId));
    try {
      if (state.status !== 'running') throw finished(state);
      const recorder = this.#recorder(state);
      recorder.record({ type: 'run.cancelled', reason });
      await recorder.flush();
      return { cancelled: true, result: resultOf(state) };
    } finally {
      await this.#o.journal.release(runId, this.#holder);
    }
  }

  /**
   * Posts an event to a running run, for its `listen` tasks (an approval, a webhook's news):
   * any process may, the run need not be held. `type` is required; `id` and `time` are added
   * when missing. Returns the event's inbox number. WORKFLOW_RUN_FINISHED if the run ended.
   *
   * @example
   * await engine.postEvent(runId, { type: 'approval', data: { approved: true } });
   */
  async postEvent(runId: string, event: Record<string, unknown>): Promise<number> {
    if (typeof event.type !== 'string' || event.type === '') throw new AgentboxError('INVALID_INPUT', 'an event posted to a run needs a `type`');
    const summary = await this.#o.journal.get(runId);
    if (!summary) throw new AgentboxError('WORKFLOW_RUN_NOT_FOUND', `no workflow run with id ${runId}`);
    if (summary.status !== 'running') {
      throw new AgentboxError('WORKFLOW_RUN_FINISHED', `run ${runId} has already ended (${summary.status})`, { details: { status: summary.status } });
    }
    const now = this.#clock.now();
    return this.#o.journal.postEvent(runId, { id: crypto.randomUUID(), time: new Date(now).toISOString(), ...event }, now);
  }

  /**
   * Resumes every run left `running` that no live process holds (`agentbox serve` at
   * startup: runs whose process died). Runs another process holds are left to it. Aborting
   * `signal` suspends them: each stops at once without recording an end (the reason is
   * WORKFLOW_RUN_BUSY), so it stays `running` and resumable by the next `recover` or `resume`.
   */
  async recover(options: { signal?: AbortSignal } = {}): Promise<RunResult[]> {
    const suspend = new AbortController();
    const onAbort = (): void => suspend.abort(new AgentboxError('WORKFLOW_RUN_BUSY', 'the process is stopping; the run stays resumable'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const running = (await this.#o.journal.list()).filter((r) => r.status === 'running');
      const settled = await Promise.allSettled(running.map((r) => this.resume(r.runId, { signal: suspend.signal })));
      return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** A run as its journal tells it. */
  async status(runId: string): Promise<RunResult> {
    const events = await this.#o.journal.events(runId);
    if (events.length === 0) throw new AgentboxError('WORKFLOW_RUN_NOT_FOUND', `no workflow run with id ${runId}`);
    return resultOf(foldRunEvents(runId, events));
  }

  list(options?: { limit?: number }): Promise<RunSummary[]> {
    return this.#o.journal.list(options);
  }

  /** Frees the script sandbox the engine opened (not one passed in `scripts`). */
  async close(): Promise<void> {
    for (const suspend of this.#detached.values()) suspend.abort(new AgentboxError('WORKFLOW_RUN_BUSY', 'the engine is closing; the run stays resumable'));
    await this.settled();
    const opened = this.#o.scripts ? undefined : this.#scripts;
    this.#scripts = undefined;
    if (opened) await (await opened).close();
  }

  #sandbox(): Promise<ScriptSandbox> {
    if (this.#o.scripts) return Promise.resolve(this.#o.scripts);
    // Loaded on first use: a run without scripts never pays for the QuickJS module.
    this.#scripts ??= import('../sandbox/script/quickjs-sandbox.js').then((m) => m.createQuickJsSandbox());
    return this.#scripts;
  }

  #recorder(state: RunState): RunRecorder {
    return new RunRecorder(state, this.#o.journal, { holder: this.#holder, ttlMs: this.#ttl }, this.#clock, this.#o.onEvent, this.#redact);
  }

  #lease() {
    return { holder: this.#holder, now: this.#clock.now(), ttlMs: this.#ttl };
  }

  async #execute(state: RunState, recorder: RunRecorder, signal: AbortSignal = new AbortController().signal): Promise<RunResult> {
    const definition = state.definition as WorkflowDefinition;
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    // The heartbeat keeps the lease while a long task (a wait, a slow call) writes nothing.
    const heartbeat = setInterval(
      () => {
        this.#o.journal.claim(state.runId, this.#lease()).then(
          (held) => held || controller.abort(new AgentboxError('WORKFLOW_RUN_BUSY', `lost the lease on run ${state.runId}`)),
          (error: unknown) => controller.abort(error),
        );
      },
      Math.max(1000, Math.floor(this.#ttl / 3)),
    );
    (heartbeat as { unref?: () => void }).unref?.();
    // `cancel` from another process leaves a request in the journal: checked every second
    // (one indexed row read), and once before the first task so a resume honours it at once.
    const cancelled = (summary: RunSummary | undefined): void => {
      if (summary?.cancelRequested !== undefined) controller.abort(new AgentboxError('CANCELLED', summary.cancelRequested));
    };
    const cancelPoll = setInterval(() => {
      this.#o.journal.get(state.runId).then(cancelled, () => undefined);
    }, 1000);
    (cancelPoll as { unref?: () => void }).unref?.();
    cancelled(await this.#o.journal.get(state.runId));
    const execution = new Execution({
      runId: state.runId,
      definition,
      recorder,
      jq: this.#jq,
      host: this.#o.host,
      clock: this.#clock,
      signal: controller.signal,
      principal: state.principal,
      ...(state.hosts ? { hosts: state.hosts } : {}),
      workflowInput: state.input,
      secrets: this.#o.secrets ?? {},
      random: this.#o.random ?? Math.random,
      workflows: { ...state.workflows, [workflowKey(definition.document)]: definition },
      catalogFunctions: state.functions,
      depth: 0,
      scripts: () => this.#sandbox(),
      schemaResources: await parseSchemas(state.resources),
      scriptSources: state.resources,
      tokens: new Map(),
      detach: (request) => this.#detach(request, state),
    });
    const frame: Frame = { suffix: '', stableSuffix: '', variables: {}, context: { value: {} } };
    try {
      const output = await execution.runDefinition('', state.input, frame, state.startedAt);
      recorder.record({ type: 'run.completed', output });
    } catch (error) {
      if (recorder.failed) throw error;
      // Suspended (shutdown) or the lease was lost: nothing more is recorded, the run stays resumable.
      const stop: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
      if (AgentboxError.isInstance(stop) && stop.code === 'WORKFLOW_RUN_BUSY') throw stop;
      if (WorkflowFault.isFault(error)) recorder.record({ type: 'run.faulted', error: error.problem });
      else if (AgentboxError.isInstance(error) && error.code === 'CANCELLED') recorder.record({ type: 'run.cancelled', reason: error.message });
      else throw error;
    } finally {
      clearInterval(heartbeat);
      clearInterval(cancelPoll);
      signal.removeEventListener('abort', onAbort);
    }
    await recorder.flush();
    await this.#o.journal.release(state.runId, this.#holder);
    return resultOf(state);
  }
}

/** The fetched resources that are schemas (each parsed once per run; a script source is not one). */
async function parseSchemas(resources: Record<string, string>): Promise<Map<string, Record<string, unknown>>> {
  const schemas = new Map<string, Record<string, unknown>>();
  for (const [uri, text] of Object.entries(resources)) {
    try {
      schemas.set(uri, await parseSchemaText(text, uri));
    } catch {
      // A script source (or any non-schema text) is simply not a schema.
    }
  }
  return schemas;
}
