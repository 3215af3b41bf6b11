/**
 * The V8 script sandbox (Node only, opt-in per tool): scripts run in isolated-vm isolates
 * inside a small pool of supervised child processes, one run per process at a time. A
 * process that hangs past the deadline or crashes is killed and replaced; the host and the
 * other runs carry on.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { AgentboxError } from '../../errors/index.js';
import { decodeGuestOutput } from '../../sandbox/script/guest-bootstrap.js';
import { HostCallBroker } from '../../sandbox/script/host-call-broker.js';
import { prepareScriptRun } from '../../sandbox/script/prepare-script-run.js';
import type { JsonValue, ScriptRunOptions, ScriptSandbox } from '../../sandbox/script/script-sandbox.js';
import { sandboxClosedError } from '../../sandbox/script/script-errors.js';
import { IsolateProcess, type IsolateProcessOptions } from './isolate-process.js';

export interface IsolateSandboxOptions {
  /** Runs at once, one child process each. Default 2 (this is a 2-core machine's worth). */
  maxProcesses?: number;
  /**
   * The child program. Default `isolate-child.js` beside this module, which exists once
   * the package is built; tests running from TypeScript sources build one with
   * `buildIsolateChildEntry()` (isolate-child-entry.test-support.ts).
   */
  childEntry?: string;
  /** How long past a run's deadline a silent child is given before it is killed. Default 1 s. */
  graceMs?: number;
  /** Default 10 s. */
  startupTimeoutMs?: number;
}

/**
 * @example
 * ```ts
 * const sandbox = createIsolateSandbox({ maxProcesses: 2 });
 * await sandbox.run({ source: 'export default () => 6 * 7', args: {}, timeoutMs: 1000, memoryMb: 64, maxOutputBytes: 65536 });
 * await sandbox.close();
 * ```
 */
export function createIsolateSandbox(options: IsolateSandboxOptions = {}): ScriptSandbox {
  const childEntry = options.childEntry ?? fileURLToPath(new URL('./isolate-child.js', import.meta.url));
  if (!existsSync(childEntry)) {
    throw new AgentboxError('INVALID_INPUT', `the V8 isolate child program is missing at ${childEntry}; build the package, or pass childEntry`, {
      details: { childEntry },
    });
  }
  return new IsolateSandbox(options.maxProcesses ?? 2, {
    childEntry,
    isolatedVmPath: createRequire(import.meta.url).resolve('isolated-vm'),
    graceMs: options.graceMs ?? 1_000,
    startupTimeoutMs: options.startupTimeoutMs ?? 10_000,
  });
}

class IsolateSandbox implements ScriptSandbox {
  readonly backend = 'v8' as const;
  private readonly idle: IsolateProcess[] = [];
  private readonly leased = new Set<IsolateProcess>();
  private readonly waiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly maxProcesses: number,
    private readonly processOptions: IsolateProcessOptions,
  ) {}

  async run(options: ScriptRunOptions): Promise<JsonValue> {
    if (this.closed) throw sandboxClosedError(this.backend);
    const prepared = prepareScriptRun(options);
    const child = await this.acquire();
    options.onStart?.();
    const broker = new HostCallBroker(prepared.host);
    try {
      return decodeGuestOutput(await child.run(prepared, broker), prepared.maxOutputBytes);
    } finally {
      broker.close();
      this.release(child);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const child of [...this.idle, ...this.leased]) child.kill();
    this.idle.length = 0;
    for (const wake of this.waiters.splice(0)) wake();
  }

  private async acquire(): Promise<IsolateProcess> {
    for (;;) {
      if (this.closed) throw sandboxClosedError(this.backend);
      let child = this.idle.pop();
      while (child && !child.alive) child = this.idle.pop();
      if (!child && this.leased.size + this.idle.length < this.maxProcesses) child = new IsolateProcess(this.processOptions);
      if (child) {
        this.leased.add(child);
        return child;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private release(child: IsolateProcess): void {
    this.leased.delete(child);
    if (this.closed) child.kill();
    else if (child.alive) this.idle.push(child);
    // A killed child is replaced now, so the next run does not pay for the start.
    else if (this.idle.length === 0) this.idle.push(new IsolateProcess(this.processOptions));
    this.waiters.shift()?.();
  }
}
