/**
 * The QuickJS script sandbox for Node: runs off the event loop, in a pool of worker
 * threads, so a busy guest never holds up the service (a catastrophic regex used to
 * block every request for seconds). Each worker runs one script at a time with the
 * portable QuickJS code (`serveQuickJsWorker`); the pool bounds runs per process (its
 * worker count) and per session, and queues the rest — in order, never failing them.
 *
 * Deadlines: the worker stops its guest at the deadline itself, as on the calling thread.
 * A guest that does not stop (QuickJS checks its deadline only now and then inside a regex
 * or a sort) has its worker terminated shortly after, and a fresh one takes the slot; the
 * run fails with TOOL_TIMEOUT. Host capabilities stay on this thread: the guest's calls
 * come over as messages to a `HostCallBroker`, which answers with JSON text.
 */
import { availableParallelism } from 'node:os';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { AgentboxError, type ErrorCode, type SerializedError } from '../../errors/index.js';
import { parseResultJson } from '../../sandbox/script/guest-bootstrap.js';
import { HostCallBroker } from '../../sandbox/script/host-call-broker.js';
import { prepareScriptRun, type PreparedScriptRun } from '../../sandbox/script/prepare-script-run.js';
import type { QuickJsHostMessage, QuickJsWorkerMessage } from '../../sandbox/script/quickjs-worker-protocol.js';
import { DEFAULT_SCRIPT_MEMORY_MB, type JsonValue, type ScriptRunOptions, type ScriptSandbox } from '../../sandbox/script/script-sandbox.js';
import { sandboxClosedError, scriptCancelledError, scriptTimeoutError } from '../../sandbox/script/script-errors.js';
import { terminateWithin } from '../wasm/terminate-within.js';
import type { WorkerMaker } from '../worker/worker-factory.js';
import type { QuickJsWorkerData } from './quickjs-worker-data.js';
import { quickJsWorkerSource } from './quickjs-worker-source.js';
import { SessionBoundedQueue } from './session-bounded-queue.js';

export interface QuickJsWorkerSandboxOptions {
  /** Runs at once in this process: one worker thread each. Default the CPU count. */
  perProcess?: number;
  /** Runs at once per session (`ScriptRunOptions.sessionId`); its further runs queue. Default 2. */
  perSession?: number;
  /** QuickJS's own stack limit; see `QuickJsSandboxOptions.maxStackBytes`. Default 192 KiB. */
  maxStackBytes?: number;
  /**
   * How long past its deadline a run may take to end on its own before its worker is
   * terminated. Default 100 ms: a guest QuickJS interrupts ends within a few ms.
   */
  hardStopGraceMs?: number;
  /** Bounds a worker's JS heap (not QuickJS's memory, which its ceiling bounds). */
  resourceLimits?: ResourceLimits;
}

export interface QuickJsWorkerPoolStats {
  workers: number;
  busy: number;
  queued: number;
  completed: number;
  /** Workers terminated because their guest did not stop at its deadline or on cancel. */
  terminated: number;
  crashes: number;
}

export const DEFAULT_SCRIPT_RUNS_PER_SESSION = 2;
const DEFAULT_MAX_STACK_BYTES = 192 * 1024;
const DEFAULT_HARD_STOP_GRACE_MS = 100;
/** How long a stop waits for a worker to go; see {@link terminateWithin}. */
const TERMINATE_GRACE_MS = 1_000;
/** Workers that die before they are ready, in a row, before the pool gives up starting them. */
const MAX_START_FAILURES = 3;

interface Task {
  readonly id: number;
  readonly sessionId: string | undefined;
  readonly prepared: PreparedScriptRun;
  readonly options: ScriptRunOptions;
  resolve(value: JsonValue): void;
  reject(error: AgentboxError): void;
  broker?: HostCallBroker;
  watchdog?: ReturnType<typeof setTimeout>;
  detachAbort?: () => void;
}

interface Slot {
  worker: Worker | undefined;
  ready: boolean;
  task: Task | undefined;
}

/**
 * @example
 * ```ts
 * const sandbox = createQuickJsWorkerSandbox({ perProcess: 4, perSession: 2 });
 * await sandbox.run({ source: 'export default (args) => args.n * 2', args: { n: 21 }, timeoutMs: 1000, memoryMb: 32, maxOutputBytes: 65536 }); // 42
 * await sandbox.close();
 * ```
 */
export function createQuickJsWorkerSandbox(options: QuickJsWorkerSandboxOptions = {}): QuickJsWorkerPool {
  return new QuickJsWorkerPool(options);
}

export class QuickJsWorkerPool implements ScriptSandbox {
  readonly backend = 'quickjs' as const;
  private readonly slots: Slot[];
  private readonly queue: SessionBoundedQueue<Task>;
  private readonly source: Promise<{ make: WorkerMaker; wasmModule: WebAssembly.Module }>;
  private readonly maxStackBytes: number;
  private readonly hardStopGraceMs: number;
  private readonly resourceLimits: ResourceLimits | undefined;
  private readonly readyWaiters: Array<() => void> = [];
  private counters = { completed: 0, terminated: 0, crashes: 0 };
  private startFailures = 0;
  private startError: AgentboxError | undefined;
  private nextId = 1;
  private closed = false;

  constructor(options: QuickJsWorkerSandboxOptions = {}) {
    const perProcess = Math.max(1, options.perProcess ?? availableParallelism());
    this.queue = new SessionBoundedQueue(Math.max(1, options.perSession ?? DEFAULT_SCRIPT_RUNS_PER_SESSION));
    this.maxStackBytes = options.maxStackBytes ?? DEFAULT_MAX_STACK_BYTES;
    this.hardStopGraceMs = options.hardStopGraceMs ?? DEFAULT_HARD_STOP_GRACE_MS;
    this.resourceLimits = options.resourceLimits;
    this.source = quickJsWorkerSource();
    this.source.catch((error: unknown) => this.failStart(error));
    this.slots = Array.from({ length: perProcess }, () => ({ worker: undefined, ready: false, task: undefined }));
    for (const slot of this.slots) void this.spawn(slot);
  }

  /** Resolves when every worker has loaded QuickJS (runs made earlier simply queue). */
  ready(): Promise<void> {
    if (this.startError) return Promise.reject(this.startError);
    if (this.slots.every((slot) => slot.ready)) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  stats(): QuickJsWorkerPoolStats {
    return {
      workers: this.slots.filter((slot) => slot.ready).length,
      busy: this.slots.filter((slot) => slot.task).length,
      queued: this.queue.length,
      ...this.counters,
    };
  }

  async run(options: ScriptRunOptions): Promise<JsonValue> {
    if (this.closed) throw sandboxClosedError(this.backend);
    if (this.startError) throw this.startError;
    const prepared = prepareScriptRun(options);
    if (options.signal?.aborted) throw scriptCancelledError(options.signal.reason);
    return new Promise<JsonValue>((resolve, reject) => {
      const task: Task = { id: this.nextId++, sessionId: options.sessionId, prepared, options, resolve, reject };
      const signal = options.signal;
      if (signal) {
        const onAbort = (): void => this.cancel(task);
        signal.addEventListener('abort', onAbort, { once: true });
        task.detachAbort = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(task);
      this.pump();
    });
  }

  /** Stops every worker; queued and running runs fail as the sandbox being closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.queue.drain()) this.settle(task, sandboxClosedError(this.backend));
    await Promise.all(
      this.slots.map(async (slot) => {
        const { worker, task } = slot;
        this.vacate(slot);
        if (task) this.settle(task, sandboxClosedError(this.backend));
        if (worker) await terminateWithin(worker, TERMINATE_GRACE_MS);
      }),
    );
    for (const wake of this.readyWaiters.splice(0)) wake();
  }

  private async spawn(slot: Slot): Promise<void> {
    let source: { make: WorkerMaker; wasmModule: WebAssembly.Module };
    try {
      source = await this.source;
    } catch {
      return; // failStart has reported it
    }
    if (this.closed || this.startError) return;
    const workerData: QuickJsWorkerData = { wasmModule: source.wasmModule, maxStackBytes: this.maxStackBytes, warmMemoryMb: DEFAULT_SCRIPT_MEMORY_MB };
    const worker = source.make({ workerData, ...(this.resourceLimits ? { resourceLimits: this.resourceLimits } : {}) });
    slot.worker = worker;
    slot.ready = false;
    // Idle workers must not keep the process alive; a busy one does, as its caller waits.
    worker.unref();
    worker.on('message', (message: QuickJsWorkerMessage) => this.onMessage(slot, worker, message));
    worker.on('error', (error: Error) => this.onCrash(slot, worker, error));
    worker.on('exit', (code: number) => this.onCrash(slot, worker, new Error(`worker exited with code ${code}`)));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.task || !slot.worker) continue;
      const task = this.queue.take();
      if (!task) return;
      this.dispatch(slot, slot.worker, task);
    }
  }

  private dispatch(slot: Slot, worker: Worker, task: Task): void {
    slot.task = task;
    worker.ref();
    task.broker = new HostCallBroker(task.prepared.host);
    const { source, argsJson, timeoutMs, memoryMb, maxOutputBytes, hostNames, filename } = task.prepared;
    this.post(worker, { type: 'run', runId: task.id, source, argsJson, timeoutMs, memoryMb, maxOutputBytes, hostNames, filename });
    task.options.onStart?.();
    task.watchdog = setTimeout(() => void this.hardStop(slot, task, 'timeout'), timeoutMs + this.hardStopGraceMs);
  }

  private onMessage(slot: Slot, worker: Worker, message: QuickJsWorkerMessage): void {
    if (slot.worker !== worker) return;
    if (message.type === 'ready') {
      slot.ready = true;
      this.startFailures = 0;
      if (this.slots.every((s) => s.ready)) for (const wake of this.readyWaiters.splice(0)) wake();
      this.pump();
      return;
    }
    const task = slot.task;
    if (!task || message.runId !== task.id) return;
    if (message.type === 'host-call') {
      void task.broker?.call(message.name, message.argsJson).then((outcome) => {
        if (slot.worker === worker && slot.task === task) this.post(worker, { type: 'host-result', runId: task.id, callId: message.callId, outcome });
      });
      return;
    }
    this.freeTask(slot);
    worker.unref();
    this.counters.completed++;
    task.options.onResources?.({ peakMemoryBytes: message.peakMemoryBytes });
    if (message.error) this.settle(task, this.errorFrom(task, message.error));
    else this.settle(task, undefined, message.json ?? 'null');
    this.pump();
  }

  private errorFrom(task: Task, error: SerializedError): AgentboxError {
    // The worker only knows it was cancelled; the caller's reason (e.g. the executor's own
    // TOOL_TIMEOUT) is on this side.
    if (error.code === 'CANCELLED') return scriptCancelledError(task.options.signal?.reason);
    return new AgentboxError(error.code as ErrorCode, error.message, error.details ? { details: error.details } : {});
  }

  private cancel(task: Task): void {
    if (this.queue.remove(task)) {
      this.settle(task, scriptCancelledError(task.options.signal?.reason));
      return;
    }
    const slot = this.slots.find((s) => s.task === task);
    if (!slot?.worker) return;
    // Ask first: a guest waiting on a host call ends cleanly and keeps its warm worker. One
    // in synchronous code cannot read the message; its worker goes after the grace.
    this.post(slot.worker, { type: 'cancel', runId: task.id });
    clearTimeout(task.watchdog);
    task.watchdog = setTimeout(() => void this.hardStop(slot, task, 'cancelled'), this.hardStopGraceMs);
  }

  /** Terminates the worker of a run that did not end in time, fails the run, and refills the slot. */
  private async hardStop(slot: Slot, task: Task, reason: 'timeout' | 'cancelled'): Promise<void> {
    const worker = slot.worker;
    if (slot.task !== task || !worker) return;
    this.vacate(slot);
    this.counters.terminated++;
    // A worker that ignores termination must not keep the process alive either.
    worker.unref();
    await terminateWithin(worker, TERMINATE_GRACE_MS);
    const { timeoutMs } = task.prepared;
    this.settle(
      task,
      reason === 'timeout' ? scriptTimeoutError(timeoutMs, ' (its worker was stopped and replaced)') : scriptCancelledError(task.options.signal?.reason),
    );
    if (!this.closed) await this.spawn(slot);
  }

  private onCrash(slot: Slot, worker: Worker, error: Error): void {
    if (slot.worker !== worker || this.closed) return;
    const task = slot.task;
    const wasReady = slot.ready;
    this.vacate(slot);
    this.counters.crashes++;
    void worker.terminate();
    if (task)
      this.settle(
        task,
        new AgentboxError('TOOL_FAILED', `script sandbox failed: its worker crashed: ${error.message}`, { details: { reason: 'sandbox-crashed' } }),
      );
    if (!wasReady && ++this.startFailures >= MAX_START_FAILURES) return this.failStart(error);
    void this.spawn(slot);
  }

  private failStart(error: unknown): void {
    if (this.startError) return;
    this.startError = new AgentboxError('TOOL_FAILED', `cannot start QuickJS workers: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      details: { reason: 'sandbox-crashed' },
    });
    for (const task of this.queue.drain()) this.settle(task, this.startError);
  }

  /** Ends a slot's run for the pool: its session's count, its watchdog, its host calls. */
  private freeTask(slot: Slot): void {
    const task = slot.task;
    slot.task = undefined;
    if (!task) return;
    this.queue.finished(task);
    clearTimeout(task.watchdog);
    task.broker?.close();
  }

  /** Frees a slot's run and worker: whatever that worker says from now on is ignored. */
  private vacate(slot: Slot): void {
    this.freeTask(slot);
    slot.worker = undefined;
    slot.ready = false;
  }

  private post(worker: Worker, message: QuickJsHostMessage): void {
    worker.postMessage(message);
  }

  private settle(task: Task, error: AgentboxError | undefined, json?: string): void {
    clearTimeout(task.watchdog);
    task.detachAbort?.();
    if (error) return task.reject(error);
    try {
      task.resolve(parseResultJson(json ?? 'null', task.prepared.maxOutputBytes));
    } catch (failure) {
      task.reject(failure as AgentboxError);
    }
  }
}
