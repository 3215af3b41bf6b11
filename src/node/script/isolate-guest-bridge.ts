/**
 * The V8 side of the guest bootstrap, compiled once per isolate and run in each fresh
 * context, usually ahead of the call that will use it. It evaluates to
 * `function (hostRef) → control`, and leaves a `start(namespace)` function on the global
 * object under `START_GLOBAL`.
 *
 * A run is one async call: the child evaluates an entry module (`ENTRY_MODULE_SOURCE`)
 * whose first import takes `start` off the global before any tool code exists, whose
 * second import is the tool, and whose body calls `start(tool)`. Around it, synchronously:
 *
 * - `control('arm', argsJson, maxChars, hostNamesJson)` before, with the call's inputs;
 * - `control('poll')` after: the tagged result, a throw of what the run threw, '' while it
 *   still waits (ivm runs the isolate's microtasks after each call, so a tool that never
 *   waits on the host is finished by then), or null if `start` never ran (a top-level
 *   await that never settles);
 * - `control('wait')` returns the run's promise, for a tool waiting on host calls.
 *
 * Host failures cross as `E<message>` text, since ivm does not keep an error's name.
 */
import { GUEST_BOOTSTRAP_SOURCE } from '../../sandbox/script/guest-bootstrap.js';

export const START_GLOBAL = '__agentboxStart';
export const START_MODULE = 'agentbox:start';
export const TOOL_MODULE = 'agentbox:tool';

/** Runs first among the entry's imports, so the tool's code never sees `start`. */
export const START_MODULE_SOURCE = `const start = globalThis.${START_GLOBAL};
delete globalThis.${START_GLOBAL};
export { start };`;

export const ENTRY_MODULE_SOURCE = `import { start } from '${START_MODULE}';
import * as tool from '${TOOL_MODULE}';
start(tool);`;

export const ISOLATE_GUEST_BRIDGE_SOURCE = `(function (hostRef) {
  'use strict';
  // V8 contexts carry these; WebAssembly memory is not counted by the isolate's limit.
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'console']) delete globalThis[name];
  const then = Promise.prototype.then;
  const apply = Reflect.apply;
  const NativeError = Error;
  const settle = (tagged) => {
    if (tagged[0] === 'J') return tagged.slice(1);
    const error = new NativeError(tagged.slice(1));
    error.name = 'HostError';
    throw error;
  };
  const run = (${GUEST_BOOTSTRAP_SOURCE})(
    (name, argsJson) => apply(then, hostRef.apply(undefined, [name, argsJson], { result: { promise: true } }), [settle]),
  );
  let state = 0;
  let outcome;
  let promise;
  let inputs;
  Object.defineProperty(globalThis, '${START_GLOBAL}', {
    configurable: true,
    value: function start(exported) {
      if (!inputs || promise) throw new NativeError('the run was not armed, or has started already');
      promise = run(exported, inputs[0], inputs[1], inputs[2]);
      apply(then, promise, [(value) => { state = 1; outcome = value; }, (error) => { state = 2; outcome = error; }]);
    },
  });
  return function control(op, argsJson, maxChars, hostNamesJson) {
    if (op === 'arm') {
      inputs = [argsJson, maxChars, hostNamesJson];
      return;
    }
    if (op === 'poll') {
      if (!promise) return null;
      if (state === 1) return outcome;
      if (state === 2) throw outcome;
      return '';
    }
    return promise;
  };
})`;
