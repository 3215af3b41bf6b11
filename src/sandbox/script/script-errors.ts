/**
 * The errors a script run ends with, built in one place so both backends say the same
 * thing for the same failure.
 */
import { AgentboxError } from '../../errors/index.js';

export function scriptTimeoutError(timeoutMs: number, note = ''): AgentboxError {
  return new AgentboxError('TOOL_TIMEOUT', `script did not finish within ${timeoutMs} ms${note}`, { details: { timeoutMs } });
}

export function scriptMemoryError(memoryMb: number): AgentboxError {
  return new AgentboxError('SANDBOX_MEMORY_LIMIT', `script exceeded its memory limit of ${memoryMb} MiB`, {
    details: { memoryMb },
  });
}

export function scriptOutputError(sizeBytes: number, maxOutputBytes: number): AgentboxError {
  return new AgentboxError('SANDBOX_OUTPUT_LIMIT', `script result is ${sizeBytes} bytes of JSON, more than the limit of ${maxOutputBytes} bytes`, {
    details: { sizeBytes, maxOutputBytes },
  });
}

export function scriptStackOverflowError(): AgentboxError {
  return new AgentboxError('TOOL_FAILED', 'script exceeded the maximum call stack size (too deep recursion)', {
    details: { reason: 'stack-overflow' },
  });
}

export function scriptCancelledError(reason: unknown): AgentboxError {
  // The executor aborts with its own TOOL_TIMEOUT error; keep it rather than hiding it.
  if (AgentboxError.isInstance(reason)) return reason;
  return new AgentboxError('CANCELLED', 'script run was cancelled', { cause: reason });
}

/** What the guest threw, as the model should read it. */
export interface GuestErrorInfo {
  name: string;
  message: string;
  stack?: string;
}

const MAX_STACK_CHARS = 2_000;

export function scriptThrewError(info: GuestErrorInfo, phase: 'load' | 'run'): AgentboxError {
  const what = phase === 'load' ? 'script failed to load' : 'script threw';
  const stack = info.stack ? info.stack.slice(0, MAX_STACK_CHARS) : undefined;
  return new AgentboxError('TOOL_FAILED', `${what}: ${info.name}: ${info.message}`, {
    details: { reason: phase === 'load' ? 'load-failed' : 'script-error', name: info.name, ...(stack ? { stack } : {}) },
  });
}

export function sandboxClosedError(backend: string): AgentboxError {
  return new AgentboxError('TOOL_FAILED', `the ${backend} script sandbox is closed`, { details: { reason: 'sandbox-closed' } });
}
