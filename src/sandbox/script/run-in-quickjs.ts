/**
 * One script run in a QuickJS instance: a fresh runtime and context, the guest setup
 * (quickjs-guest.ts), the tool's module, then a loop that runs pending jobs and waits for host
 * calls until the result settles or the deadline passes. The interrupt handler enforces
 * the deadline inside synchronous guest code, where no host timer can fire.
 *
 * It runs wherever its caller is: on the calling thread (`createQuickJsSandbox`, the
 * browser's agent worker) or inside a worker thread (`serveQuickJsWorker`, Node).
 */
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten';
import { AgentboxError } from '../../errors/index.js';
import { resultNotJsonError } from './guest-bootstrap.js';
import { HostCallBroker, type HostCalls } from './host-call-broker.js';
import type { PreparedScriptRun } from './prepare-script-run.js';
import { newHostObject, readArguments, stringifyResult, takeIntrinsics, type GuestIntrinsics } from './quickjs-guest.js';
import type { QuickJsInstance } from './quickjs-instance-pool.js';
import { guestErrorFor, readGuestErrorInfo, readQuickJsError } from './read-quickjs-error.js';
import { scriptCancelledError, scriptMemoryError, scriptOutputError, scriptStackOverflowError, scriptThrewError, scriptTimeoutError } from './script-errors.js';

export interface QuickJsRunOptions {
  /** QuickJS's own stack limit (see `QuickJsSandboxOptions.maxStackBytes`). */
  maxStackBytes: number;
  /** Where the guest's host calls go; default a `HostCallBroker` over `run.host`. */
  hostCalls?: HostCalls;
}

export interface QuickJsRunOutcome {
  /**
   * The result as JSON text, checked against the limit in UTF-16 units only: the caller
   * parses it with `parseResultJson`, which makes the exact UTF-8 check. Text, so it
   * crosses a worker boundary as it left the guest.
   */
  json?: string;
  error?: AgentboxError;
  /** Whether the instance may serve another run. */
  reusable: boolean;
}

export async function runInQuickJs(instance: QuickJsInstance, run: PreparedScriptRun, options: QuickJsRunOptions): Promise<QuickJsRunOutcome> {
  const session = new QuickJsRunSession(instance, run, options.hostCalls ?? new HostCallBroker(run.host));
  let outcome: { json?: string; error?: AgentboxError };
  try {
    outcome = { json: await session.execute(options.maxStackBytes) };
  } catch (error) {
    outcome = { error: session.toRunError(error) };
  }
  const clean = session.dispose();
  return { ...outcome, reusable: clean && !outcome.error && !instance.atCeiling };
}

class QuickJsRunSession {
  private readonly deadline: number;
  private stop: 'timeout' | 'cancelled' | undefined;
  private readonly broker: HostCalls;
  private readonly deferreds = new Set<QuickJSDeferredPromise>();
  private readonly handles: QuickJSHandle[] = [];
  private runtime: QuickJSRuntime | undefined;
  private context: QuickJSContext | undefined;
  private wake: () => void = () => {};
  private finished = false;

  constructor(
    private readonly instance: QuickJsInstance,
    private readonly run: PreparedScriptRun,
    broker: HostCalls,
  ) {
    instance.resetCeiling();
    this.deadline = Date.now() + run.timeoutMs;
    this.broker = broker;
  }

  async execute(maxStackBytes: number): Promise<string> {
    const runtime = this.instance.module.newRuntime();
    this.runtime = runtime;
    runtime.setMaxStackSize(maxStackBytes);
    runtime.setInterruptHandler(() => this.shouldStop());
    runtime.setModuleLoader((name) => ({ error: new Error(`imports are not allowed in script tools (import of '${name}')`) }));
    const ctx = runtime.newContext();
    this.context = ctx;
    const keep = (handle: QuickJSHandle): QuickJSHandle => this.keep(handle);

    // Everything that needs the context's intrinsics happens before the tool's code runs.
    const intrinsics = takeIntrinsics(ctx, keep);
    const args = readArguments(ctx, intrinsics, this.run.argsJson, keep);
    const onCall = (name: string, argsJson: string): QuickJSHandle => this.hostCall(ctx, intrinsics, name, argsJson);
    const host = newHostObject(ctx, { names: this.run.hostNames, intrinsics, onCall, keep });

    const loaded = ctx.evalCode(this.run.source, this.run.filename, { type: 'module' });
    if (loaded.error) throw this.guestError(loaded.error, 'load');
    // A module with top-level await evaluates to a promise of its namespace.
    const namespace = await this.settle(this.keep(loaded.value), 'load');
    const fn = this.keep(ctx.getProp(namespace, 'default'));
    if (ctx.typeof(fn) !== 'function') {
      throw scriptThrewError({ name: 'TypeError', message: 'the script must export a default function: export default function (args, host) { ... }' }, 'run');
    }
    const called = ctx.callFunction(fn, ctx.undefined, args, host);
    if (called.error) throw this.guestError(called.error, 'run');
    const value = await this.settle(this.adopt(ctx, intrinsics, this.keep(called.value)), 'run');
    return this.encode(ctx, intrinsics, value);
  }

  /**
   * What `await value` would see: a non-promise object may still be a thenable, so it
   * goes through the intrinsic `Promise.resolve`, as the guest's own `await` would.
   */
  private adopt(ctx: QuickJSContext, intrinsics: GuestIntrinsics, value: QuickJSHandle): QuickJSHandle {
    const kind = ctx.typeof(value);
    if (kind !== 'object' && kind !== 'function') return value;
    const state = ctx.getPromiseState(value);
    if (state.type === 'fulfilled' && state.notAPromise) {
      const resolved = ctx.callFunction(intrinsics.promiseResolve, intrinsics.promise, value);
      if (resolved.error) throw this.guestError(resolved.error, 'run');
      return this.keep(resolved.value);
    }
    // Already a promise: settle() reads it again; drop the copy of its outcome read here.
    if (state.type === 'fulfilled') state.value.dispose();
    else if (state.type === 'rejected') state.error.dispose();
    return value;
  }

  /** Runs jobs and waits for host calls until `handle` (a promise, or not) settles. */
  private async settle(handle: QuickJSHandle, phase: 'load' | 'run'): Promise<QuickJSHandle> {
    const ctx = this.context as QuickJSContext;
    const runtime = this.runtime as QuickJSRuntime;
    for (;;) {
      if (this.shouldStop()) throw this.stopError();
      const jobs = runtime.executePendingJobs();
      if (jobs.error) throw this.guestError(jobs.error, phase);
      const state = ctx.getPromiseState(handle);
      if (state.type === 'fulfilled') return state.notAPromise ? handle : this.keep(state.value);
      if (state.type === 'rejected') throw this.guestError(state.error, phase);
      if (this.deferreds.size === 0 && !runtime.hasPendingJob()) {
        throw new AgentboxError('TOOL_FAILED', 'script never finished: it awaits a promise nothing can settle', {
          details: { reason: 'never-settles' },
        });
      }
      await this.waitForWork();
    }
  }

  private encode(ctx: QuickJSContext, intrinsics: GuestIntrinsics, value: QuickJSHandle): string {
    // The guest's length check is on UTF-16 units, a lower bound on the UTF-8 bytes.
    const text = stringifyResult(ctx, intrinsics, value, this.run.maxOutputBytes);
    if ('json' in text) return text.json;
    if ('length' in text) throw scriptOutputError(text.length, this.run.maxOutputBytes);
    if ('notJson' in text) throw resultNotJsonError(text.notJson);
    // What stringify threw: a cycle or a BigInt is the result's fault; running out of time
    // or memory on the way is not.
    if (this.shouldStop()) {
      text.error.dispose();
      throw this.stopError();
    }
    const info = readGuestErrorInfo(ctx, text.error);
    const error = guestErrorFor(info, { atCeiling: this.instance.atCeiling, memoryMb: this.run.memoryMb, phase: 'run' });
    if (error.details?.reason !== 'script-error') throw error;
    throw resultNotJsonError(info.message);
  }

  /** Maps a throw out of `execute` (our errors, or the WASM call itself failing) to the run's error. */
  toRunError(error: unknown): AgentboxError {
    if (AgentboxError.isInstance(error)) return error;
    if (this.shouldStop()) return this.stopError();
    // A throw from the WASM call itself: the host stack ran out, or emscripten aborted.
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError && /call stack/i.test(message)) return scriptStackOverflowError();
    if (this.instance.atCeiling) return scriptMemoryError(this.run.memoryMb);
    return new AgentboxError('TOOL_FAILED', `script sandbox failed: ${message}`, { details: { reason: 'sandbox-crashed' } });
  }

  /** Frees everything the run made; false if QuickJS could not free it cleanly. */
  dispose(): boolean {
    this.finished = true;
    this.broker.close();
    try {
      for (const deferred of this.deferreds) deferred.dispose();
      for (const handle of this.handles) if (handle.alive) handle.dispose();
      this.context?.dispose();
      this.runtime?.dispose();
      return true;
    } catch {
      return false;
    }
  }

  private shouldStop(): boolean {
    if (this.stop) return true;
    if (Date.now() >= this.deadline) this.stop = 'timeout';
    else if (this.run.signal?.aborted) this.stop = 'cancelled';
    return this.stop !== undefined;
  }

  private stopError(): AgentboxError {
    if (this.stop === 'cancelled') return scriptCancelledError(this.run.signal?.reason);
    return scriptTimeoutError(this.run.timeoutMs, this.instance.atCeiling ? ' (it had also reached its memory limit)' : '');
  }

  private guestError(handle: QuickJSHandle, phase: 'load' | 'run'): AgentboxError {
    if (this.shouldStop()) {
      handle.dispose();
      return this.stopError();
    }
    const ctx = this.context as QuickJSContext;
    return readQuickJsError(ctx, handle, { atCeiling: this.instance.atCeiling, memoryMb: this.run.memoryMb, phase });
  }

  private hostCall(ctx: QuickJSContext, intrinsics: GuestIntrinsics, name: string, argsJson: string): QuickJSHandle {
    const deferred = ctx.newPromise();
    this.deferreds.add(deferred);
    void this.broker.call(name, argsJson).then((outcome) => {
      if (this.finished) return;
      const settled = outcome.ok ? this.parseInGuest(ctx, intrinsics, outcome.json) : { error: ctx.newError({ name: 'HostError', message: outcome.message }) };
      if ('value' in settled) deferred.resolve(settled.value);
      else deferred.reject(settled.error);
      ('value' in settled ? settled.value : settled.error).dispose();
      this.deferreds.delete(deferred);
      this.wake();
    });
    return deferred.handle;
  }

  /** The host's JSON result as a guest value, parsed by the intrinsic `JSON.parse`. */
  private parseInGuest(ctx: QuickJSContext, intrinsics: GuestIntrinsics, json: string): { value: QuickJSHandle } | { error: QuickJSHandle } {
    const text = ctx.newString(json);
    try {
      const parsed = ctx.callFunction(intrinsics.parse, ctx.undefined, text);
      return parsed.error ? { error: parsed.error } : { value: parsed.value };
    } finally {
      text.dispose();
    }
  }

  private waitForWork(): Promise<void> {
    const signal = this.run.signal;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, this.deadline - Date.now()));
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  private keep(handle: QuickJSHandle): QuickJSHandle {
    this.handles.push(handle);
    return handle;
  }
}
