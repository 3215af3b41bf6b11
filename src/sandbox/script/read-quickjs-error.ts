/**
 * Turns what a QuickJS guest threw into the error the model reads. Memory exhaustion is
 * told apart by the instance having hit its ceiling, since under OOM QuickJS often cannot
 * even build the error object.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';
import type { AgentboxError } from '../../errors/index.js';
import { scriptMemoryError, scriptStackOverflowError, scriptThrewError, type GuestErrorInfo } from './script-errors.js';

export interface ErrorContext {
  atCeiling: boolean;
  memoryMb: number;
  phase: 'load' | 'run';
}

/** Reads and disposes `handle`. */
export function readQuickJsError(ctx: QuickJSContext, handle: QuickJSHandle, at: ErrorContext): AgentboxError {
  return guestErrorFor(readGuestErrorInfo(ctx, handle), at);
}

/** What the guest threw, as plain data; disposes `handle`. */
export function readGuestErrorInfo(ctx: QuickJSContext, handle: QuickJSHandle): GuestErrorInfo {
  try {
    return describe(ctx, handle);
  } catch {
    return { name: 'Error', message: '(unreadable error)' };
  } finally {
    handle.dispose();
  }
}

export function guestErrorFor(info: GuestErrorInfo, at: ErrorContext): AgentboxError {
  if (at.atCeiling || (info.name === 'InternalError' && info.message === 'out of memory')) return scriptMemoryError(at.memoryMb);
  if (info.name === 'InternalError' && info.message === 'stack overflow') return scriptStackOverflowError();
  return scriptThrewError(info, at.phase);
}

function describe(ctx: QuickJSContext, handle: QuickJSHandle): GuestErrorInfo {
  const kind = ctx.typeof(handle);
  if (kind !== 'object' || ctx.sameValue(handle, ctx.null)) {
    // `throw "text"` or `throw 42`: show the value itself (never dump an object: it may be huge).
    const text =
      kind === 'string'
        ? ctx.getString(handle)
        : kind === 'number' || kind === 'boolean'
          ? String(ctx.dump(handle))
          : `(a thrown ${kind === 'object' ? 'null' : kind})`;
    return { name: 'Error', message: text.slice(0, 1_000) };
  }
  return {
    name: stringProp(ctx, handle, 'name') ?? 'Error',
    message: stringProp(ctx, handle, 'message') ?? '',
    ...optional('stack', stringProp(ctx, handle, 'stack')),
  };
}

function stringProp(ctx: QuickJSContext, handle: QuickJSHandle, key: string): string | undefined {
  const value = ctx.getProp(handle, key);
  try {
    return ctx.typeof(value) === 'string' ? ctx.getString(value).slice(0, 2_000) : undefined;
  } finally {
    value.dispose();
  }
}

function optional(key: 'stack', value: string | undefined): { stack?: string } {
  return value === undefined ? {} : { [key]: value };
}
