/**
 * The child process of the isolate sandbox (run with `node --no-node-snapshot`). It runs
 * one script at a time in a V8 isolate and answers over the IPC channel. The parent kills
 * and replaces it on a hang or crash: isolated-vm's memory limit can hang or abort the
 * whole process on some allocation patterns (a growing Map), and that must not be the host.
 *
 * argv[2] is the absolute path of isolated-vm, resolved by the parent, so this file runs
 * from dist/ and from a test build in a temporary directory alike.
 */
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type IsolatedVM from 'isolated-vm';
import { compileBridge, prepareContext, releaseAll, type PreparedContext } from './isolate-context.js';
import { ENTRY_MODULE_SOURCE, START_MODULE, START_MODULE_SOURCE, TOOL_MODULE } from './isolate-guest-bridge.js';
import { CATASTROPHIC_MARKER, type ChildMessage, type IsolateFailure, type IsolateRunRequest, type ParentMessage } from './isolate-protocol.js';

const ivm = createRequire(import.meta.url)(process.argv[2] ?? 'isolated-vm') as typeof IsolatedVM;

/** The isolate is kept between runs (each gets a fresh context) until a run fails hard. */
let isolate: IsolatedVM.Isolate | undefined;
let isolateMemoryMb = 0;
/** The guest bridge, compiled once per isolate: a Script runs in any of its contexts. */
let bridgeScript: IsolatedVM.Script | undefined;
/**
 * A fresh context with the bridge run in it, made right after the previous run answered:
 * making one is most of a small run's cost (~0.22 ms), and doing it then overlaps it with
 * the parent's turnaround. A run takes it only if it is for the same isolate.
 */
let spare: PreparedContext | undefined;

function takeContext(current: IsolatedVM.Isolate, bridge: IsolatedVM.Script): PreparedContext {
  const ready = spare;
  spare = undefined;
  if (ready && ready.owner === current && !current.isDisposed) return ready;
  if (ready) releaseAll(ready.handles);
  return prepareContext(ivm, current, bridge, callHost);
}

function prepareSpare(): void {
  if (spare || !isolate || isolate.isDisposed || !bridgeScript) return;
  try {
    spare = prepareContext(ivm, isolate, bridgeScript, callHost);
  } catch {
    spare = undefined;
  }
}

const pendingHostCalls = new Map<number, (tagged: string) => void>();
let nextCallId = 0;

function send(message: ChildMessage): void {
  process.send?.(message);
}

function onCatastrophicError(message: string): void {
  // V8 has lost control of the isolate; nothing in this process can be trusted to finish.
  writeSync(2, `\n${CATASTROPHIC_MARKER} ${message}\n`);
  process.kill(process.pid, 'SIGKILL');
}

function isolateFor(memoryMb: number): { current: IsolatedVM.Isolate; bridge: IsolatedVM.Script } {
  if (!isolate || isolate.isDisposed || isolateMemoryMb !== memoryMb || !bridgeScript) {
    if (isolate && !isolate.isDisposed) isolate.dispose();
    isolate = new ivm.Isolate({ memoryLimit: memoryMb, onCatastrophicError });
    isolateMemoryMb = memoryMb;
    bridgeScript = compileBridge(isolate);
  }
  return { current: isolate, bridge: bridgeScript };
}

async function run(request: IsolateRunRequest): Promise<void> {
  const { current, bridge } = isolateFor(request.memoryMb);
  const deadline = Date.now() + request.timeoutMs;
  const remaining = (): number => Math.max(1, deadline - Date.now());
  let timedOut = false;
  // ivm's `timeout` covers synchronous code only; this also ends a run parked on a promise.
  const timer = setTimeout(() => {
    timedOut = true;
    current.dispose();
  }, request.timeoutMs);
  let phase: 'load' | 'run' = 'load';
  // Every handle made for this run: unreleased, they keep its context alive in the isolate.
  const handles: Array<{ release(): void }> = [];
  const keep = <T extends { release(): void }>(handle: T): T => {
    handles.push(handle);
    return handle;
  };
  try {
    const prepared = takeContext(current, bridge);
    handles.push(...prepared.handles);
    prepared.bind(request.id);
    const { context, control } = prepared;
    // Module setup uses ivm's synchronous calls: this process serves one run at a time,
    // and each async call is a round trip to the isolate's thread.
    const tool = keep(current.compileModuleSync(request.source, { filename: `file:///${request.filename}` }));
    const start = keep(current.compileModuleSync(START_MODULE_SOURCE, { filename: 'file:///agentbox-start.js' }));
    const entry = keep(current.compileModuleSync(ENTRY_MODULE_SOURCE, { filename: 'file:///agentbox-entry.js' }));
    entry.instantiateSync(context, (specifier, referrer) => {
      if (referrer === entry && specifier === START_MODULE) return start;
      if (referrer === entry && specifier === TOOL_MODULE) return tool;
      throw new Error(`imports are not allowed in script tools (import of '${specifier}')`);
    });
    control.applySync(undefined, ['arm', request.argsJson, request.maxOutputBytes, JSON.stringify(request.hostNames)]);
    // The tool's own code (its top level, then its default export up to its first wait)
    // runs in this one async call: under a fatal OOM, isolated-vm reports through this
    // thread's event loop, which a synchronous call would keep blocked.
    await entry.evaluate({ timeout: remaining() });
    phase = 'run';
    let tagged: unknown = control.applySync(undefined, ['poll'], { timeout: remaining() });
    if (tagged === null) throw new TopLevelAwaitError();
    if (tagged === '') {
      tagged = await control.apply(undefined, ['wait'], { timeout: remaining(), result: { promise: true, copy: true } });
    }
    send({ type: 'done', id: request.id, tagged: typeof tagged === 'string' ? tagged : '' });
  } catch (error) {
    const failure = classify(error, phase, timedOut || Date.now() >= deadline);
    if (failure.kind !== 'guest' && !current.isDisposed) current.dispose();
    send({ type: 'done', id: request.id, failure });
  } finally {
    clearTimeout(timer);
    pendingHostCalls.clear();
    if (!current.isDisposed) {
      releaseAll(handles.reverse());
      retireIfHeavy(current);
    }
    // After 'done' went out, so the parent's turnaround and this overlap.
    prepareSpare();
  }
}

/** A fresh isolate costs ~1.5 ms; one whose heap stays half full would fail the next run. */
function retireIfHeavy(current: IsolatedVM.Isolate): void {
  const { used_heap_size: used, heap_size_limit: limit } = current.getHeapStatisticsSync();
  if (used > limit / 2) current.dispose();
}

function callHost(runId: number, name: string, argsJson: string): Promise<string> {
  const callId = (nextCallId += 1);
  return new Promise<string>((resolve) => {
    pendingHostCalls.set(callId, resolve);
    send({ type: 'host-call', id: runId, callId, name, argsJson });
  });
}

/** The entry module finished without starting the run: the tool's top level is still waiting. */
class TopLevelAwaitError extends Error {
  constructor() {
    super("the script's top-level await never settles");
  }
}

function classify(error: unknown, phase: 'load' | 'run', pastDeadline: boolean): IsolateFailure {
  if (error instanceof TopLevelAwaitError) return { kind: 'guest', phase: 'load', name: 'Error', message: error.message };
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack.slice(0, 2_000) : undefined;
  const base = { phase, name, message, ...(stack ? { stack } : {}) };
  if (/memory limit|Array buffer allocation failed/i.test(message)) return { ...base, kind: 'memory' };
  if (pastDeadline || /execution timed out|isolate is disposed/i.test(message)) return { ...base, kind: 'timeout' };
  if (name === 'RangeError' && /call stack/i.test(message)) return { ...base, kind: 'stack' };
  return { ...base, kind: 'guest' };
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'run') {
    void run(message);
  } else if (message.type === 'host-result') {
    const resolve = pendingHostCalls.get(message.callId);
    if (!resolve) return;
    pendingHostCalls.delete(message.callId);
    resolve(message.ok ? `J${message.json ?? 'null'}` : `E${message.message ?? 'host call failed'}`);
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
