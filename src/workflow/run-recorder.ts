import { AgentboxError } from '../errors/agentbox-error.js';
import { InputOrigins } from './input-origins.js';
import type { RunEvent, RunEventPayload } from './run-events.js';
import { applyRunEvent, type RunState } from './run-state.js';
import type { InboxEvent, WorkflowJournal } from './workflow-journal.js';

export interface WorkflowClock {
  now(): number;
  /** Resolves after `ms` (rejects when `signal` aborts). Tests inject one that does not sleep. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The single writer of one run's journal (the pattern of the session recorder): an event is
 * folded into the state at once, then queued; `flush()` writes the queue in one transaction.
 * The engine flushes before every side effect (a call, a wait, the end), so a task whose
 * result another task has acted on is always on disk; events of pure tasks (`set`, `switch`)
 * batch, up to `AUTO_FLUSH_EVENTS` (a long run of pure tasks, a 10,000-item `for`, is
 * checkpointed as it goes, so a crash loses at most one batch of them). The first failed
 * write poisons the recorder: the run stops loudly, it never goes on past a checkpoint it
 * could not save.
 */
/** Queued events that start a write on their own (without waiting for a side effect). */
export const AUTO_FLUSH_EVENTS = 512;

export class RunRecorder {
  #queue: RunEvent[] = [];
  #writing: Promise<void> = Promise.resolve();
  #failure: unknown;
  /** False until the run's row exists (a new run's first events go into `create`). */
  #created: boolean;
  #announced: boolean;
  #unannounced: RunEvent[] = [];
  /** Which journaled value each live task input is, so starts name it rather than copy it. */
  readonly inputs = new InputOrigins();

  constructor(
    readonly state: RunState,
    private readonly journal: WorkflowJournal,
    private readonly lease: { holder: string; ttlMs: number },
    private readonly clock: WorkflowClock,
    /** Told of every event as it is recorded (progress output); must not throw. */
    private readonly listener?: (event: RunEvent) => void,
    /** Blanks `$secrets` values in every event before it is folded, written or told (`secretRedactor`). */
    private readonly redact?: <T>(value: T) => T,
  ) {
    this.#created = state.lastSeq > 0;
    this.#announced = this.#created;
  }

  record(payload: RunEventPayload): void {
    if (this.#failure) throw this.#failure;
    // Redacted before the fold too: the run's state (and so its result) is what the journal
    // holds. Not the definitions: they come from a file (no secret there), and a short secret
    // that happened to occur in one must not change what a resume runs.
    const safe = !this.redact
      ? payload
      : payload.type === 'run.started'
        ? { ...this.redact(payload), definition: payload.definition, ...(payload.workflows ? { workflows: payload.workflows } : {}) }
        : this.redact(payload);
    const event = Object.assign({ runId: this.state.runId, seq: this.state.lastSeq + 1, time: this.clock.now() }, safe) as RunEvent;
    applyRunEvent(this.state, event);
    if (event.type === 'task.completed' || event.type === 'task.skipped' || event.type === 'task.faulted') forgetFinished(this.state, event.key);
    this.#queue.push(event);
    // Until the run's row exists, listeners hear nothing: a run is announced once it is stored.
    if (this.#announced) this.listener?.(event);
    else this.#unannounced.push(event);
    // Not awaited: the write joins the ordered chain; a failure poisons the next record().
    if (this.#queue.length >= AUTO_FLUSH_EVENTS && this.#created) this.flush().catch(() => undefined);
  }

  /** Hands over the queued events instead of writing them (a new run's first events go into `create`). */
  /** The run is stored: listeners get the events recorded before, then each as it comes. */
  announce(): void {
    this.#announced = true;
    const held = this.#unannounced;
    this.#unannounced = [];
    for (const event of held) this.listener?.(event);
  }

  takeQueued(): RunEvent[] {
    this.#created = true;
    const batch = this.#queue;
    this.#queue = [];
    return batch;
  }

  /** Writes everything recorded so far; concurrent callers share one ordered write chain. */
  flush(): Promise<void> {
    const next = this.#writing.then(async () => {
      if (this.#failure) throw this.#failure;
      if (this.#queue.length === 0) return;
      const batch = this.#queue;
      this.#queue = [];
      try {
        await this.journal.append(this.state.runId, batch, { holder: this.lease.holder, now: this.clock.now(), ttlMs: this.lease.ttlMs });
      } catch (error) {
        this.#failure = AgentboxError.isInstance(error)
          ? error
          : new AgentboxError('STORE_FAILED', `workflow journal write failed: ${String(error)}`, { cause: error });
        throw this.#failure;
      }
    });
    this.#writing = next.catch(() => undefined);
    return next;
  }

  /** The run's posted events after `afterSeq` (for `listen`). */
  inbox(afterSeq: number): Promise<InboxEvent[]> {
    return this.journal.inbox(this.state.runId, afterSeq);
  }

  get failed(): boolean {
    return this.#failure !== undefined;
  }
}

/**
 * A task that finishes live is never looked up again in this process: keys are unique per
 * iteration, attempt and revisit, and a resume folds its state from the journal. Keeping its
 * result, fault and start time would grow the heap with every finished task (a `for` over
 * 10,000 items); only its report row stays.
 */
function forgetFinished(state: RunState, key: string): void {
  state.completed.delete(key);
  state.faulted.delete(key);
  state.firstStarted.delete(key);
}
