/**
 * The V8 side of the guest bootstrap, compiled once per isolate and run in each fresh
 * context. It evaluates to `function (hostRef, hostNamesJson) → control`, where
 * `control(op, …)` lets the child drive a run with synchronous calls:
 *
 * - `control('start', exports, argsJson, maxChars)` starts the run;
 * - `control('poll')` returns the tagged result, throws what the run threw, or returns ''
 *   while it still waits (ivm runs the isolate's microtasks after each call, so a tool
 *   that never waits on the host is finished by then);
 * - `control('wait')` returns the run's promise, for a tool waiting on host calls.
 *
 * Host failures cross as `E<message>` text, since ivm does not keep an error's name.
 */
import { GUEST_BOOTSTRAP_SOURCE } from '../../sandbox/script/guest-bootstrap.js';

export const ISOLATE_GUEST_BRIDGE_SOURCE = `(function (hostRef, hostNamesJson) {
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
    hostNamesJson,
  );
  let state = 0;
  let outcome;
  let promise;
  return function control(op, exported, argsJson, maxChars) {
    if (op === 'start') {
      promise = run(exported, argsJson, maxChars);
      apply(then, promise, [(value) => { state = 1; outcome = value; }, (error) => { state = 2; outcome = error; }]);
      return;
    }
    if (op === 'poll') {
      if (state === 1) return outcome;
      if (state === 2) throw outcome;
      return '';
    }
    return promise;
  };
})`;
