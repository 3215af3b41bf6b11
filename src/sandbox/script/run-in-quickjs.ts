/**
 * One script run in a QuickJS instance: a fresh runtime and context, the shared guest
 * bootstrap, the tool's module, then a loop that runs pending jobs and waits for host
 * calls until the result settles or the deadline passes. The interrupt handler enforces
 * the deadline inside synchronous guest code, where no host timer can fire.
 */
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten';
import { AgentboxError } from '../../errors/index.js';
import { decodeGuestOutput, GUEST_BOOTSTRAP_SOURCE } from './guest-bootstrap.js';
import { HostCallBroker } from './host-call-broker.js';
import type { PreparedScriptRun } from './prepare-script-run.js';
import type { QuickJsInstance } from './quickjs-instance-pool.js';
import { readQuickJsError } from './read-quickjs-error.js';
import type { JsonValue } from './script-sandbox.js';
import { scriptCancelledError, scriptMemoryError, scriptStackOverflowError, scriptTimeoutError } from './script-errors.js';

export interface QuickJsRunOutcome {
  value?: JsonValue;
  error?: AgentboxError;
  /** Whether the instance may serve another run. */
  reusable: boolean;
}

export async function runInQuickJs(instance: QuickJsInstance, run: PreparedScriptRun, maxStackBytes: number): Promise<QuickJsRunOutcome> {
  const session = new QuickJsRunSession(instance, run);
  let outcome: { value?: JsonValue; error?: AgentboxError };
  try {
    outcome = { value: await session.execute(maxStackBytes) };
  } catch (error) {
    outcome = { error: session.toRunError(error) };
  }
  const clean = session.dispose();
  return { ...outcome, reusable: clean && !outcome.error && !instance.atCeiling };
}

class QuickJsRunSession {
  private readonly deadline: number;
  private stop: 'timeout' | 'cancelled' | undefined;
  private readonly broker: HostCallBroker;
  private readonly deferreds = new Set<QuickJSDeferredPromise>();
  private readonly handles: QuickJSHandle[] = [];
  private runtime: QuickJSRuntime | undefined;
  private context: QuickJSContext | undefined;
  private wake: () => void = () => {};
  private finished = false;

  constructor(
    private readonly instance: QuickJsInstance,
    private readonly run: PreparedScriptRun,
  ) {
    instance.resetCeiling();
    this.deadline = Date.now() + run.timeoutMs;
    this.broker = new HostCallBroker(run.host);
  }

  async execute(maxStackBytes: number): Promise<JsonValue> {
    const runtime = this.instance.module.newRuntime();
    this.runtime = runtime;
    runtime.setMaxStackSize(maxStackBytes);
    runtime.setInterruptHandler(() => this.shouldStop());
    runtime.setModuleLoader((name) => ({ error: new Error(`imports are not allowed in script tools (import of '${name}')`) }));
    const ctx = runtime.newContext();
    this.context = ctx;

    const hostCall = this.keep(ctx.newFunction('hostCall', (name, args) => this.hostCall(ctx, ctx.getString(name), ctx.getString(args))));
    const bootstrap = this.keep(ctx.unwrapResult(ctx.evalCode(GUEST_BOOTSTRAP_SOURCE, 'agentbox-bootstrap.js')));
    const names = this.keep(ctx.newString(JSON.stringify(this.run.hostNames)));
    const runner = this.keep(ctx.unwrapResult(ctx.callFunction(bootstrap, ctx.undefined, hostCall, names)));

    const loaded = ctx.evalCode(this.run.source, this.run.filename, { type: 'module' });
    if (loaded.error) throw this.guestError(loaded.error, 'load');
    const exported = this.keep(loaded.value);
    const argsJson = this.keep(ctx.newString(this.run.argsJson));
    const maxChars = this.keep(ctx.newNumber(this.run.maxOutputBytes));
    const called = ctx.callFunction(runner, ctx.undefined, exported, argsJson, maxChars);
    if (called.error) throw this.guestError(called.error, 'run');
    const promise = this.keep(called.value);

    for (;;) {
      if (this.shouldStop()) throw this.stopError();
      const jobs = runtime.executePendingJobs();
      if (jobs.error) throw this.guestError(jobs.error, 'run');
      const state = ctx.getPromiseState(promise);
      if (state.type === 'fulfilled') {
        const tagged = this.readOutput(ctx, state.value);
        state.value.dispose();
        return decodeGuestOutput(tagged, this.run.maxOutputBytes);
      }
      if (state.type === 'rejected') throw this.guestError(state.error, 'run');
      if (this.deferreds.size === 0 && !runtime.hasPendingJob()) {
        throw new AgentboxError('TOOL_FAILED', 'script never finished: it awaits a promise nothing can settle', {
          details: { reason: 'never-settles' },
        });
      }
      await this.waitForWork();
    }
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

  private hostCall(ctx: QuickJSContext, name: string, argsJson: string): QuickJSHandle {
    const deferred = ctx.newPromise();
    this.deferreds.add(deferred);
    void this.broker.call(name, argsJson).then((outcome) => {
      if (this.finished) return;
      const settled = outcome.ok ? ctx.newString(outcome.json) : ctx.newError({ name: 'HostError', message: outcome.message });
      if (outcome.ok) deferred.resolve(settled);
      else deferred.reject(settled);
      settled.dispose();
      this.deferreds.delete(deferred);
      this.wake();
    });
    return deferred.handle;
  }

  private readOutput(ctx: QuickJSContext, handle: QuickJSHandle): unknown {
    if (ctx.typeof(handle) !== 'string') return undefined;
    // The bootstrap bounded the length already; this guards the copy out of the sandbox anyway.
    const length = ctx.getLength(handle) ?? 0;
    return length > this.run.maxOutputBytes + 1 ? `L${length}` : ctx.getString(handle);
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
