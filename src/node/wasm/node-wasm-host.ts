/**
 * Runs WASI jobs in pre-started `worker_threads` workers. Code running WebAssembly cannot
 * be interrupted from its own thread, so each call runs in a worker and, at the deadline
 * (or on cancel), the worker is terminated and a fresh one started in its slot. The host
 * survives: a runaway guest costs one worker, never the process. Idle workers are unref'd
 * so a forgotten pool does not keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { once } from 'node:events';
import type { Worker, ResourceLimits } from 'node:worker_threads';
import { AgentboxError, type ErrorCode } from '../../errors/index.js';
import type { WasiRunResult } from '../../sandbox/wasm/run-wasi-module.js';
import { wasiJobPayload, type WasmHost, type WasmJob } from '../../sandbox/wasm/wasm-host.js';
import { defaultLinkRegistryDir } from './hard-link-registry.js';
import { terminateWithin } from './terminate-within.js';
import { wasmWorkerFactory } from './worker-source.js';
import type { WorkerJobMessage, WorkerReply } from './wasm-worker-protocol.js';

export interface NodeWasmHostOptions {
  /** Workers kept running; default min(4, CPU count). */
  size?: number;
  /** Bounds the worker's JS heap (not WASM memory, which the module's cap bounds). */
  resourceLimits?: ResourceLimits;
  /** Where hard links guests make inside their grants are remembered; default `defaultLinkRegistryDir()`. */
  linkRegistryDir?: string;
}

export interface NodeWasmHostStats {
  workers: number;
  busy: number;
  queued: number;
  completed: number;
  timeouts: number;
  cancelled: number;
  crashes: number;
  /** The last runaway: ms from its deadline until its worker was gone, and until a replacement was online. */
  lastTimeout: { stopMs: number; replaceMs: number } | undefined;
}

interface Task {
  id: number;
  job: WasmJob;
  resolve: (result: WasiRunResult) => void;
  reject: (error: AgentboxError) => void;
  timer?: ReturnType<typeof setTimeout>;
  deadlineAt?: number;
  detachAbort?: () => void;
}

interface Slot {
  worker: Worker | undefined;
  online: boolean;
  task: Task | undefined;
}

/** How long a stop waits for a worker to go; see {@link terminateWithin}. */
const TERMINATE_GRACE_MS = 1_000;

export class NodeWasmHost implements WasmHost {
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private readonly factory: Promise<() => Worker>;
  private readonly resourceLimits: ResourceLimits;
  private readonly linkRegistryDir: string;
  private closed = false;
  private nextId = 1;
  private counters = { completed: 0, timeouts: 0, cancelled: 0, crashes: 0 };
  private lastTimeout: NodeWasmHostStats['lastTimeout'];
  private readonly started: Promise<void>;
  private startError: AgentboxError | undefined;
  private readonly watched = new WeakMap<AbortSignal, Set<Task>>();
  private readonly unwatch = new WeakMap<AbortSignal, () => void>();

  constructor(options: NodeWasmHostOptions = {}) {
    const size = Math.max(1, options.size ?? Math.min(4, availableParallelism()));
    this.resourceLimits = options.resourceLimits ?? { maxOldGenerationSizeMb: 256 };
    this.linkRegistryDir = options.linkRegistryDir ?? defaultLinkRegistryDir();
    this.factory = wasmWorkerFactory();
    this.slots = Array.from({ length: size }, () => ({ worker: undefined, online: false, task: undefined }));
    this.started = Promise.all(this.slots.map((slot) => this.spawn(slot))).then(() => undefined);
    this.started.catch((error: unknown) => {
      this.startError = new AgentboxError('TOOL_FAILED', `cannot start wasm workers: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
      for (const task of this.queue.splice(0)) this.settle(task, this.startError);
    });
  }

  /** Resolves when every worker is online (calls made earlier simply queue). */
  ready(): Promise<void> {
    return this.started;
  }

  run(job: WasmJob): Promise<WasiRunResult> {
    return new Promise<WasiRunResult>((resolve, reject) => {
      if (this.closed) return reject(new AgentboxError('CANCELLED', 'wasm worker pool is closed'));
      if (this.startError) return reject(this.startError);
      if (job.signal?.aborted) return reject(new AgentboxError('CANCELLED', 'wasm call cancelled before it started'));
      const task: Task = { id: this.nextId++, job, resolve, reject };
      if (job.signal) task.detachAbort = this.watch(job.signal, task);
      this.queue.push(task);
      this.pump();
    });
  }

  /**
   * One abort listener per signal, however many calls share it (a turn's signal is shared
   * by all its tool calls; a listener each would trip Node's MaxListeners warning).
   */
  private watch(signal: AbortSignal, task: Task): () => void {
    let tasks = this.watched.get(signal);
    if (!tasks) {
      const group = new Set<Task>();
      tasks = group;
      this.watched.set(signal, group);
      const onAbort = (): void => {
        for (const t of [...group]) this.cancel(t);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.unwatch.set(signal, () => signal.removeEventListener('abort', onAbort));
    }
    tasks.add(task);
    return () => {
      tasks.delete(task);
      if (tasks.size > 0) return;
      this.watched.delete(signal);
      this.unwatch.get(signal)?.();
      this.unwatch.delete(signal);
    };
  }

  stats(): NodeWasmHostStats {
    return {
      workers: this.slots.filter((s) => s.online).length,
      busy: this.slots.filter((s) => s.task).length,
      queued: this.queue.length,
      ...this.counters,
      lastTimeout: this.lastTimeout,
    };
  }

  /** Stops every worker; queued and running calls reject with CANCELLED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.queue.splice(0)) this.settle(task, new AgentboxError('CANCELLED', 'wasm worker pool closed'));
    await Promise.all(
      this.slots.map(async (slot) => {
        const { worker, task } = slot;
        slot.worker = undefined;
        slot.online = false;
        slot.task = undefined;
        if (task) this.settle(task, new AgentboxError('CANCELLED', 'wasm worker pool closed'));
        if (worker) await terminateWithin(worker, TERMINATE_GRACE_MS);
      }),
    );
  }

  private async spawn(slot: Slot): Promise<void> {
    const make = await this.factory;
    if (this.closed) return;
    const worker = make();
    slot.worker = worker;
    slot.online = false;
    worker.unref();
    worker.on('message', (message: WorkerReply) => this.onMessage(slot, worker, message));
    worker.on('error', (error: Error) => this.onCrash(slot, worker, error));
    worker.on('exit', (code: number) => this.onCrash(slot, worker, new Error(`worker exited with code ${code}`)));
    await once(worker, 'online');
    if (slot.worker !== worker) return;
    slot.online = true;
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.online || slot.task || !slot.worker) continue;
      const task = this.queue.shift();
      if (!task) return;
      this.dispatch(slot, slot.worker, task);
    }
  }

  private dispatch(slot: Slot, worker: Worker, task: Task): void {
    const { job } = task;
    slot.task = task;
    worker.ref();
    const message: WorkerJobMessage = {
      ...wasiJobPayload(job),
      type: 'job',
      id: task.id,
      dirs: job.dirs ?? [],
      linkRegistryDir: this.linkRegistryDir,
      stream: job.onOutput !== undefined,
    };
    task.deadlineAt = performance.now() + job.timeoutMs;
    task.timer = setTimeout(() => void this.stop(slot, task, 'timeout'), job.timeoutMs);
    worker.postMessage(message);
  }

  private release(slot: Slot, worker: Worker): void {
    slot.task = undefined;
    worker.unref();
    this.pump();
  }

  private onMessage(slot: Slot, worker: Worker, message: WorkerReply): void {
    const task = slot.task;
    if (slot.worker !== worker || !task || message.id !== task.id) return;
    if (message.type === 'output') {
      task.job.onOutput?.(message.stream, message.chunk);
      return;
    }
    this.release(slot, worker);
    if (message.type === 'result') {
      this.counters.completed++;
      this.settle(task, undefined, message.result);
    } else {
      const { code, message: text, details } = message.error;
      this.settle(task, new AgentboxError(code as ErrorCode, text, details ? { details } : {}));
    }
  }

  private onCrash(slot: Slot, worker: Worker, error: Error): void {
    if (slot.worker !== worker || this.closed) return;
    this.counters.crashes++;
    const task = slot.task;
    slot.worker = undefined;
    slot.online = false;
    slot.task = undefined;
    void worker.terminate();
    if (task) {
      const heap = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.settle(
        task,
        new AgentboxError(heap ? 'SANDBOX_MEMORY_LIMIT' : 'TOOL_FAILED', `wasm worker crashed: ${error.message}`, {
          details: { limit: heap ? 'memory' : undefined },
        }),
      );
    }
    void this.spawn(slot);
  }

  private cancel(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.counters.cancelled++;
      this.settle(task, new AgentboxError('CANCELLED', 'wasm call cancelled before it started'));
      return;
    }
    const slot = this.slots.find((s) => s.task === task);
    if (slot) void this.stop(slot, task, 'cancelled');
  }

  /** Terminates a running call's worker (deadline or cancel) and replaces it. */
  private async stop(slot: Slot, task: Task, reason: 'timeout' | 'cancelled'): Promise<void> {
    const worker = slot.worker;
    if (slot.task !== task || !worker) return;
    slot.worker = undefined;
    slot.online = false;
    slot.task = undefined;
    const from = reason === 'timeout' ? (task.deadlineAt ?? performance.now()) : performance.now();
    // A worker that ignores termination must not keep the process alive either.
    worker.unref();
    await terminateWithin(worker, TERMINATE_GRACE_MS);
    const stopMs = performance.now() - from;
    if (reason === 'timeout') {
      this.counters.timeouts++;
      this.settle(
        task,
        new AgentboxError('TOOL_TIMEOUT', `wasm call exceeded its ${task.job.timeoutMs} ms time limit and was stopped`, {
          details: { limit: 'timeout', timeoutMs: task.job.timeoutMs, stopMs },
        }),
      );
    } else {
      this.counters.cancelled++;
      this.settle(task, new AgentboxError('CANCELLED', 'wasm call cancelled', { details: { stopMs } }));
    }
    if (this.closed) return;
    await this.spawn(slot);
    if (reason === 'timeout') this.lastTimeout = { stopMs, replaceMs: performance.now() - from };
  }

  private settle(task: Task, error: AgentboxError | undefined, result?: WasiRunResult): void {
    clearTimeout(task.timer);
    task.detachAbort?.();
    if (error) task.reject(error);
    else if (result) task.resolve(result);
  }
}
