import { AgentboxError } from '../errors/agentbox-error.js';
import type { JqEvaluator } from '../workflow/jq-evaluator.js';
import { WorkflowEngine, type RunResult } from '../workflow/workflow-engine.js';
import type { WorkflowHost } from '../workflow/workflow-host.js';
import type { WorkflowJournal } from '../workflow/workflow-journal.js';
import { ObservedWorkflowJournal } from './observed-workflow-journal.js';

export interface WorkflowRunsOptions {
  journal: WorkflowJournal;
  host: WorkflowHost;
  /** This process's lease holder id (`agentbox/node`: host and pid). */
  holder?: string;
  /** `$secrets` of every run (see `WorkflowEngineOptions.secrets`). */
  secrets?: Record<string, unknown>;
  /** jq for every run (see `WorkflowEngineOptions.jq`). */
  jq?: JqEvaluator;
  /** A run that failed after it started, for reasons other than its own fault (a store error). */
  onError?: (error: unknown, runId: string) => void;
}

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The service's workflow runs: one engine, and the runs this process executes in the
 * background (started or resumed by a request, or recovered at startup). Tracked here so a
 * cancel of a run this process holds aborts it in place (the engine's own `cancel` would
 * claim the lease — already ours — and write beside the running execution), and so a
 * shutdown suspends them all, resumable.
 */
export class WorkflowRuns {
  readonly journal: ObservedWorkflowJournal;
  readonly engine: WorkflowEngine;
  readonly #active = new Map<string, ActiveRun>();
  readonly #onError: (error: unknown, runId: string) => void;

  constructor(options: WorkflowRunsOptions) {
    this.journal = new ObservedWorkflowJournal(options.journal);
    this.engine = new WorkflowEngine({
      journal: this.journal,
      host: options.host,
      ...(options.holder ? { holder: options.holder } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.jq ? { jq: options.jq } : {}),
    });
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Whether this process is executing the run now. */
  isActive(runId: string): boolean {
    return this.#active.has(runId);
  }

  /**
   * Validates and starts a run in the background; resolves once it is journaled. An invalid
   * definition rejects (WORKFLOW_INVALID, each issue naming its path) and nothing is written.
   */
  async start(definition: unknown, options: { input?: unknown; principal: string }): Promise<{ runId: string; status: RunResult['status'] }> {
    const runId = crypto.randomUUID();
    const journaled = this.#nextWrite(runId);
    const run = this.#track(runId, (signal) => this.engine.start(definition, { ...options, runId, signal }));
    await Promise.race([run, journaled.promise]).finally(journaled.stop);
    return { runId, status: (await this.journal.get(runId))?.status ?? 'running' };
  }

  /**
   * Resumes a run in the background; resolves once this process holds it (status
   * `running`), or with the run's report if it had already ended. WORKFLOW_RUN_BUSY if it
   * runs here or another live process holds it.
   */
  async resume(runId: string): Promise<{ runId: string; status: RunResult['status'] }> {
    if (this.#active.has(runId)) throw new AgentboxError('WORKFLOW_RUN_BUSY', `run ${runId} is already running in this process`);
    const claimed = this.#nextWrite(runId);
    let result: RunResult | undefined;
    const run = this.#track(runId, (signal) => this.engine.resume(runId, { signal }).then((r) => (result = r)));
    await Promise.race([run, claimed.promise]).finally(claimed.stop);
    // The claim of an ended run's lease wakes the race too: its summary says it had ended.
    return { runId, status: result?.status ?? (await this.journal.get(runId))?.status ?? 'running' };
  }

  /** Cancels a run: here and now if this process runs it; otherwise through the engine (see `WorkflowEngine.cancel`). */
  async cancel(runId: string, reason: string): Promise<{ cancelled: boolean; status: RunResult['status'] }> {
    const active = this.#active.get(runId);
    if (!active) {
      const { cancelled, result } = await this.engine.cancel(runId, { reason });
      return { cancelled, status: cancelled ? 'cancelled' : result.status };
    }
    // The execution records `run.cancelled` itself, after aborting its task in flight.
    active.controller.abort(new AgentboxError('CANCELLED', reason));
    await active.done;
    const status = (await this.journal.get(runId))?.status ?? 'cancelled';
    if (status !== 'cancelled') throw new AgentboxError('WORKFLOW_RUN_FINISHED', `run ${runId} has already ended (${status})`, { details: { status } });
    return { cancelled: true, status };
  }

  /**
   * Resumes every run left `running` that no live process holds (runs of a process that
   * died), in the background; `onSettled` hears of each as it ends or is suspended.
   */
  async recover(onSettled?: (result: RunResult) => void): Promise<void> {
    const running = (await this.journal.list()).filter((r) => r.status === 'running' && !this.#active.has(r.runId));
    for (const { runId } of running) {
      const resume = async (signal: AbortSignal): Promise<void> => onSettled?.(await this.engine.resume(runId, { signal }));
      this.#track(runId, resume).catch(() => undefined);
    }
  }

  /** Shutdown: stops every run this process executes without recording an end, so each stays resumable. */
  async suspend(): Promise<void> {
    const stopping = [...this.#active.values()];
    const reason = new AgentboxError('WORKFLOW_RUN_BUSY', 'the service is stopping; the run stays resumable');
    for (const run of stopping) run.controller.abort(reason);
    await Promise.all(stopping.map((r) => r.done));
    await this.engine.close();
  }

  /** Runs `body` in the background as the run `runId`; the promise is the run's, the tracking swallows nothing it should log. */
  #track(runId: string, body: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
    const controller = new AbortController();
    const run = body(controller.signal).then(() => undefined);
    const done = run.then(
      () => undefined,
      (error: unknown) => {
        // Its own refusals reach the caller; a suspension is expected; anything else is logged.
        if (!AgentboxError.isInstance(error) || !expected.has(error.code)) this.#onError(error, runId);
      },
    );
    const active = { controller, done };
    this.#active.set(runId, active);
    void done.then(() => {
      if (this.#active.get(runId) === active) this.#active.delete(runId);
    });
    return run;
  }

  /** Resolves at the run's next durable write (its creation, or a claim of its lease). */
  #nextWrite(runId: string): { promise: Promise<void>; stop: () => void } {
    let stop: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => {
      stop = this.journal.watch(runId, resolve);
    });
    return { promise, stop: () => stop() };
  }
}

const expected = new Set(['WORKFLOW_INVALID', 'WORKFLOW_RUN_BUSY', 'WORKFLOW_RUN_NOT_FOUND', 'WORKFLOW_RUN_FINISHED']);
