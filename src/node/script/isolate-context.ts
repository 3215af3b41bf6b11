/**
 * A fresh V8 context with the guest bridge already run in it: what a run needs before the
 * tool's module, made ahead of the run that will use it. Synchronous: an async
 * `createContext` was measured slower here, each hop to the isolate's thread costing more
 * than the overlap it buys, since the run needs the same thread next anyway.
 */
import type IsolatedVM from 'isolated-vm';
import { ISOLATE_GUEST_BRIDGE_SOURCE } from './isolate-guest-bridge.js';

export type HostCallSink = (runId: number, name: string, argsJson: string) => Promise<string>;

export interface PreparedContext {
  readonly owner: IsolatedVM.Isolate;
  readonly context: IsolatedVM.Context;
  /** The bridge's `control` function (isolate-guest-bridge.ts). */
  readonly control: IsolatedVM.Reference<unknown>;
  /** Handles that keep the context alive in the isolate, to release when the run ends. */
  readonly handles: ReadonlyArray<{ release(): void }>;
  /** Binds the guest's host calls to one run; a context serves one run only. */
  bind(runId: number): void;
}

export function compileBridge(isolate: IsolatedVM.Isolate): IsolatedVM.Script {
  return isolate.compileScriptSync(ISOLATE_GUEST_BRIDGE_SOURCE, { filename: 'file:///agentbox-bootstrap.js' });
}

export function prepareContext(ivm: typeof IsolatedVM, isolate: IsolatedVM.Isolate, bridge: IsolatedVM.Script, sink: HostCallSink): PreparedContext {
  const context = isolate.createContextSync();
  try {
    return runBridge(ivm, isolate, context, bridge, sink);
  } catch (error) {
    releaseAll([context]);
    throw error;
  }
}

function runBridge(
  ivm: typeof IsolatedVM,
  isolate: IsolatedVM.Isolate,
  context: IsolatedVM.Context,
  bridge: IsolatedVM.Script,
  sink: HostCallSink,
): PreparedContext {
  const parts = bindable(ivm, sink);
  const bootstrap = bridge.runSync(context, { reference: true });
  try {
    const control = bootstrap.applySync(undefined, [parts.hostCall], { result: { reference: true } });
    return finish(isolate, context, control, parts);
  } catch (error) {
    releaseAll([parts.hostCall]);
    throw error;
  } finally {
    bootstrap.release();
  }
}

export function releaseAll(handles: Iterable<{ release(): void }>): void {
  for (const handle of handles) {
    try {
      handle.release();
    } catch {
      // Already released, or its isolate is gone: nothing left to free.
    }
  }
}

interface Bindable {
  hostCall: IsolatedVM.Reference<(name: string, argsJson: string) => Promise<string>>;
  bind(runId: number): void;
}

function bindable(ivm: typeof IsolatedVM, sink: HostCallSink): Bindable {
  // Until bound, the context belongs to no run and its guest could not call the host; it
  // runs no tool code before then anyway.
  let runId = -1;
  // A Reference, not a Callback: a Callback cannot hand a promise back into the isolate.
  const hostCall = new ivm.Reference((name: string, argsJson: string) =>
    runId < 0 ? Promise.resolve('Ethe script run has not started') : sink(runId, String(name), String(argsJson)),
  );
  return {
    hostCall,
    bind(id) {
      runId = id;
    },
  };
}

function finish(owner: IsolatedVM.Isolate, context: IsolatedVM.Context, control: IsolatedVM.Reference<unknown>, parts: Bindable): PreparedContext {
  return { owner, context, control, handles: [control, parts.hostCall, context], bind: parts.bind };
}
