/**
 * Checks a run's options before any sandbox is touched, so bad input is refused the same
 * way by every backend, and turns the arguments into the JSON text the guest parses.
 */
import { AgentboxError } from '../../errors/index.js';
import type { HostCapabilities, ScriptRunOptions } from './script-sandbox.js';

/** What of a prepared run crosses to a worker or child process: text and numbers only. */
export type ScriptRunPayload = Omit<PreparedScriptRun, 'host' | 'signal'>;

export interface PreparedScriptRun {
  source: string;
  argsJson: string;
  timeoutMs: number;
  memoryMb: number;
  maxOutputBytes: number;
  host: HostCapabilities;
  hostNames: string[];
  filename: string;
  signal: AbortSignal | undefined;
}

const HOST_NAME = /^[A-Za-z_$][\w$]{0,63}$/;

export function prepareScriptRun(options: ScriptRunOptions): PreparedScriptRun {
  if (typeof options.source !== 'string' || options.source.length === 0) {
    throw invalid('source must be a non-empty string of JavaScript');
  }
  positive('timeoutMs', options.timeoutMs);
  positive('memoryMb', options.memoryMb);
  positive('maxOutputBytes', options.maxOutputBytes);
  let argsJson: string | undefined;
  try {
    argsJson = JSON.stringify(options.args === undefined ? null : options.args);
  } catch (error) {
    throw invalid(`args must be JSON-serializable: ${(error as Error).message}`);
  }
  if (typeof argsJson !== 'string') throw invalid('args must be JSON-serializable');
  const host = options.host ?? {};
  const hostNames = Object.keys(host);
  for (const name of hostNames) {
    if (!HOST_NAME.test(name)) throw invalid(`host capability name '${name}' is not an identifier`);
    if (typeof host[name] !== 'function') throw invalid(`host capability '${name}' is not a function`);
  }
  return {
    source: options.source,
    argsJson,
    timeoutMs: options.timeoutMs,
    memoryMb: options.memoryMb,
    maxOutputBytes: options.maxOutputBytes,
    host,
    hostNames,
    filename: options.filename ?? 'tool.js',
    signal: options.signal,
  };
}

function positive(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(`${name} must be a positive number, got ${String(value)}`);
  }
}

function invalid(message: string): AgentboxError {
  return new AgentboxError('INVALID_INPUT', `invalid script run: ${message}`);
}
