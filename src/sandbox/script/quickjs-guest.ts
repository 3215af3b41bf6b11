/**
 * The QuickJS side of the guest bootstrap, done from the host through QuickJS's API rather
 * than by compiling `GUEST_BOOTSTRAP_SOURCE` in every fresh context: QuickJS compiles about
 * 20 bytes per microsecond, so that 1.3 KB bootstrap was a quarter of a small call. Only the
 * argument reviver must be guest code; it is a few dozen bytes.
 *
 * The steps and their order are the bootstrap's (the V8 backend still runs it): take the
 * intrinsics before any tool code runs, parse and deep-freeze the arguments, build a
 * frozen, null-prototype `host` of frozen functions, then stringify the result with the
 * intrinsic `JSON.stringify`. The shared contract suite holds the two backends alike.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';

/**
 * `(parse, freeze) → (argsJson) → args`. A reviver sees every value, innermost first:
 * freezing each freezes the whole tree.
 */
const ARGS_READER_SOURCE = `(function (parse, freeze) {
  'use strict';
  const frozen = (key, value) => freeze(value);
  return (json) => parse(json, frozen);
})`;

/** Handles to the context's own intrinsics, taken before tool code can replace them. */
export interface GuestIntrinsics {
  parse: QuickJSHandle;
  stringify: QuickJSHandle;
  freeze: QuickJSHandle;
  promise: QuickJSHandle;
  promiseResolve: QuickJSHandle;
}

/** Everything is passed to `keep`, which disposes it when the run ends. */
export type Keep = (handle: QuickJSHandle) => QuickJSHandle;

export function takeIntrinsics(ctx: QuickJSContext, keep: Keep): GuestIntrinsics {
  const json = keep(ctx.getProp(ctx.global, 'JSON'));
  const object = keep(ctx.getProp(ctx.global, 'Object'));
  const promise = keep(ctx.getProp(ctx.global, 'Promise'));
  return {
    parse: keep(ctx.getProp(json, 'parse')),
    stringify: keep(ctx.getProp(json, 'stringify')),
    freeze: keep(ctx.getProp(object, 'freeze')),
    promise,
    promiseResolve: keep(ctx.getProp(promise, 'resolve')),
  };
}

/** Parses the arguments inside the guest into a deep-frozen value; must run before tool code. */
export function readArguments(ctx: QuickJSContext, intrinsics: GuestIntrinsics, argsJson: string, keep: Keep): QuickJSHandle {
  const factory = keep(ctx.unwrapResult(ctx.evalCode(ARGS_READER_SOURCE, 'agentbox-bootstrap.js')));
  const reader = keep(ctx.unwrapResult(ctx.callFunction(factory, ctx.undefined, intrinsics.parse, intrinsics.freeze)));
  const json = keep(ctx.newString(argsJson));
  return keep(ctx.unwrapResult(ctx.callFunction(reader, ctx.undefined, json)));
}

/**
 * Called when the guest calls `host[name](...args)` with the arguments already as JSON
 * text; returns the promise handle the guest receives.
 */
export type HostCallHandler = (name: string, argsJson: string) => QuickJSHandle;

/** The frozen, null-prototype `host` object: one frozen function per granted name. */
export function newHostObject(
  ctx: QuickJSContext,
  options: { names: readonly string[]; intrinsics: GuestIntrinsics; onCall: HostCallHandler; keep: Keep },
): QuickJSHandle {
  const { names, intrinsics, onCall, keep } = options;
  const host = keep(ctx.newObject(ctx.null));
  for (const name of names) {
    const fn = keep(
      ctx.newFunction(name, (...args) => {
        // JSON.stringify of an array of the arguments, as the guest would have written it.
        const list = ctx.newArray();
        try {
          args.forEach((arg, index) => ctx.setProp(list, index, arg));
          const text = ctx.callFunction(intrinsics.stringify, ctx.undefined, list);
          if (text.error) return { error: text.error };
          const argsJson = ctx.getString(text.value);
          text.value.dispose();
          return onCall(name, argsJson);
        } finally {
          list.dispose();
        }
      }),
    );
    freeze(ctx, intrinsics, fn);
    ctx.setProp(host, name, fn);
  }
  freeze(ctx, intrinsics, host);
  return host;
}

function freeze(ctx: QuickJSContext, intrinsics: GuestIntrinsics, handle: QuickJSHandle): void {
  ctx.unwrapResult(ctx.callFunction(intrinsics.freeze, ctx.undefined, handle)).dispose();
}

/**
 * The guest result as JSON text with the intrinsic `JSON.stringify`: `{ json }`, `{ length }`
 * when the text is longer than `maxChars` (without copying it out), `{ notJson }` with the
 * reason, or `{ error }`, a handle to what stringify threw (a `toJSON` may throw anything).
 */
export type StringifiedResult = { json: string } | { length: number } | { notJson: string } | { error: QuickJSHandle };

export function stringifyResult(ctx: QuickJSContext, intrinsics: GuestIntrinsics, value: QuickJSHandle, maxChars: number): StringifiedResult {
  const kind = ctx.typeof(value);
  if (kind === 'undefined') return { json: 'null' };
  const text = ctx.callFunction(intrinsics.stringify, ctx.undefined, value);
  if (text.error) return { error: text.error };
  try {
    if (ctx.typeof(text.value) !== 'string') return { notJson: `a ${kind} is not JSON` };
    const length = ctx.getLength(text.value) ?? 0;
    return length > maxChars ? { length } : { json: ctx.getString(text.value) };
  } finally {
    text.value.dispose();
  }
}
