/**
 * The code both backends run inside the sandbox before the tool's module. It takes the
 * intrinsics it needs before any tool code can replace them, removes globals a tool must
 * not have, builds the frozen `host` object, and returns the `run` function that parses
 * and freezes the arguments, calls the tool and encodes the result. Keeping it in one
 * place is what makes the two backends behave alike.
 */
import { AgentboxError } from '../../errors/index.js';
import type { JsonValue } from './script-sandbox.js';
import { scriptOutputError } from './script-errors.js';

/**
 * An expression: `function (hostCall, hostNamesJson) → run`, where
 * `hostCall(name, argsJson) → Promise<resultJson>` is the one host function, and
 * `run(exportsOrPromise, argsJson, maxChars) → Promise<string>` resolves to a tagged
 * string: `J<json>`, `L<length>` (too large) or `S<message>` (not JSON-serializable).
 */
export const GUEST_BOOTSTRAP_SOURCE = String.raw`(function (hostCall, hostNamesJson) {
  'use strict';
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const freeze = Object.freeze;
  const isFrozen = Object.isFrozen;
  const keys = Object.keys;
  const create = Object.create;
  const apply = Reflect.apply;
  const then = Promise.prototype.then;
  const NativePromise = Promise;
  const NativeString = String;
  // V8 contexts carry these; WebAssembly memory is not counted by the isolate's limit.
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'console']) delete globalThis[name];

  const host = create(null);
  for (const name of parse(hostNamesJson)) {
    host[name] = freeze(function (...args) {
      return apply(then, hostCall(name, stringify(args)), [parse]);
    });
  }
  freeze(host);

  function deepFreeze(root) {
    const stack = [root];
    while (stack.length > 0) {
      const value = stack[stack.length - 1];
      stack.length -= 1;
      if (typeof value !== 'object' || value === null || isFrozen(value)) continue;
      freeze(value);
      const names = keys(value);
      for (let i = 0; i < names.length; i += 1) stack[stack.length] = value[names[i]];
    }
    return root;
  }

  return async function run(exportsOrPromise, argsJson, maxChars) {
    const exported = exportsOrPromise instanceof NativePromise ? await exportsOrPromise : exportsOrPromise;
    const fn = exported.default;
    if (typeof fn !== 'function') {
      throw new TypeError('the script must export a default function: export default function (args, host) { ... }');
    }
    const value = await fn(deepFreeze(parse(argsJson)), host);
    let text;
    try {
      text = stringify(value === undefined ? null : value);
    } catch (error) {
      return 'S' + NativeString(error && error.message);
    }
    if (typeof text !== 'string') return 'S' + 'a ' + typeof value + ' is not JSON';
    if (text.length > maxChars) return 'L' + text.length;
    return 'J' + text;
  };
})`;

/** Checks a run's tagged output against the byte limit and parses it. */
export function decodeGuestOutput(tagged: unknown, maxOutputBytes: number): JsonValue {
  if (typeof tagged !== 'string' || tagged.length === 0) {
    throw new AgentboxError('TOOL_FAILED', 'script sandbox returned a malformed result', { details: { reason: 'protocol' } });
  }
  const body = tagged.slice(1);
  switch (tagged[0]) {
    case 'J': {
      // A UTF-16 unit is at least one UTF-8 byte, so the guest's length check was a lower
      // bound; this is the exact one.
      const bytes = utf8Length(body);
      if (bytes > maxOutputBytes) throw scriptOutputError(bytes, maxOutputBytes);
      return JSON.parse(body) as JsonValue;
    }
    case 'L':
      throw scriptOutputError(Number(body), maxOutputBytes);
    case 'S':
      throw new AgentboxError('TOOL_FAILED', `script result is not JSON-serializable: ${body}`, {
        details: { reason: 'result-not-json' },
      });
    default:
      throw new AgentboxError('TOOL_FAILED', 'script sandbox returned a malformed result', { details: { reason: 'protocol' } });
  }
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
