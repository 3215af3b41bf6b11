/**
 * The code the V8 backend runs inside the sandbox before the tool's module. It takes the
 * intrinsics it needs before any tool code can replace them, builds the frozen `host`
 * object, and returns the `run` function that parses and freezes the arguments, calls the
 * tool and encodes the result. The QuickJS backend takes the same steps from the host
 * (quickjs-guest.ts), since compiling this in every fresh context is slow there; the
 * shared contract suite keeps the two alike. Both decode results with the helpers below.
 */
import { AgentboxError } from '../../errors/index.js';
import type { JsonValue } from './script-sandbox.js';
import { scriptOutputError } from './script-errors.js';

/**
 * An expression: `function (hostCall) → run`, where `hostCall(name, argsJson) →
 * Promise<resultJson>` is the one host function, and `run(exportsOrPromise, argsJson,
 * maxChars, hostNamesJson) → Promise<string>` resolves to a tagged string: `J<json>`,
 * `L<length>` (too large) or `S<message>` (not JSON-serializable). It may be run in a
 * context made ahead of the call, so everything per call (the granted host names
 * included) is an argument of `run`, built only from the intrinsics taken here.
 */
export const GUEST_BOOTSTRAP_SOURCE = `(function (hostCall) {
  'use strict';
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const freeze = Object.freeze;
  const create = Object.create;
  const then = Promise.prototype.then;
  const apply = Reflect.apply;
  const NativePromise = Promise;
  const NativeString = String;
  // A reviver sees every value, innermost first: freezing each freezes the whole tree.
  const frozen = (key, value) => freeze(value);
  return async function run(exported, argsJson, maxChars, hostNamesJson) {
    // Built when the call starts, after the tool's top level ran: an index loop over a
    // fresh array, since the tool may have replaced Array.prototype[Symbol.iterator].
    const host = create(null);
    const names = parse(hostNamesJson);
    for (let i = 0; i < names.length; i += 1) {
      const name = names[i];
      host[name] = freeze((...args) => apply(then, hostCall(name, stringify(args)), [parse]));
    }
    freeze(host);
    const namespace = exported instanceof NativePromise ? await exported : exported;
    const fn = namespace.default;
    if (typeof fn !== 'function') {
      throw new TypeError('the script must export a default function: export default function (args, host) { ... }');
    }
    const value = await fn(parse(argsJson, frozen), host);
    let text;
    try {
      text = stringify(value === undefined ? null : value);
    } catch (error) {
      return 'S' + NativeString(error && error.message);
    }
    if (typeof text !== 'string') return 'Sa ' + typeof value + ' is not JSON';
    return text.length > maxChars ? 'L' + text.length : 'J' + text;
  };
})`;

/** Checks a run's tagged output against the byte limit and parses it. */
export function decodeGuestOutput(tagged: unknown, maxOutputBytes: number): JsonValue {
  if (typeof tagged !== 'string' || tagged.length === 0) {
    throw new AgentboxError('TOOL_FAILED', 'script sandbox returned a malformed result', { details: { reason: 'protocol' } });
  }
  const body = tagged.slice(1);
  switch (tagged[0]) {
    case 'J':
      return parseResultJson(body, maxOutputBytes);
    case 'L':
      throw scriptOutputError(Number(body), maxOutputBytes);
    case 'S':
      throw resultNotJsonError(body);
    default:
      throw new AgentboxError('TOOL_FAILED', 'script sandbox returned a malformed result', { details: { reason: 'protocol' } });
  }
}

/** Parses a run's JSON result, refusing it past the byte limit. */
export function parseResultJson(json: string, maxOutputBytes: number): JsonValue {
  // A UTF-16 unit is at least one UTF-8 byte, so the guest's length check was a lower
  // bound; this is the exact one.
  const bytes = utf8Length(json);
  if (bytes > maxOutputBytes) throw scriptOutputError(bytes, maxOutputBytes);
  return JSON.parse(json) as JsonValue;
}

export function resultNotJsonError(reason: string): AgentboxError {
  return new AgentboxError('TOOL_FAILED', `script result is not JSON-serializable: ${reason}`, {
    details: { reason: 'result-not-json' },
  });
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
