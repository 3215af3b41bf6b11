/**
 * One supervised child process running V8 isolates, one run at a time. The parent keeps
 * its own deadline (the run's plus a grace period) and SIGKILLs a child that has not
 * answered by then; a child that dies mid-run fails that run and nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { AgentboxError } from '../../errors/index.js';
import type { HostCallBroker } from '../../sandbox/script/host-call-broker.js';
import type { PreparedScriptRun } from '../../sandbox/script/prepare-script-run.js';
import { scriptMemoryError, scriptStackOverflowError, scriptThrewError, scriptTimeoutError } from '../../sandbox/script/script-errors.js';
import { CATASTROPHIC_MARKER, type ChildMessage, type IsolateFailure, type ParentMessage } from './isolate-protocol.js';

export interface IsolateProcessOptions {
  /** The compiled child program (`isolate-child.js`). */
  childEntry: string;
  /** Absolute path of the isolated-vm package, passed to the child. */
  isolatedVmPath: string;
  /** How long past a run's deadline the child may take to answer before it is killed. */
  graceMs: number;
  startupTimeoutMs: number;
}

const STDERR_TAIL_BYTES = 8_192;

export class IsolateProcess {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private stderrTail = '';
  private exited = false;
  private killed = false;
  private nextRunId = 0;
  private onExit: (() => void) | undefined;
  private onMessage: ((message: ChildMessage) => void) | undefined;

  constructor(private readonly options: IsolateProcessOptions) {
    this.child = spawn(process.execPath, ['--no-node-snapshot', options.childEntry, options.isolatedVmPath], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    this.child.on('message', (message: ChildMessage) => this.onMessage?.(message));
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no answer within ${options.startupTimeoutMs} ms`)), options.startupTimeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        this.kill();
        reject(
          new AgentboxError('TOOL_FAILED', `could not start the V8 isolate process: ${error.message}`, {
            cause: error,
            details: { reason: 'sandbox-start-failed', stderr: this.stderrTail.slice(-1_000) },
          }),
        );
      };
      this.onMessage = (message) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      };
      this.onExit = () => fail(new Error(`it exited early${this.stderrTail ? `: ${this.stderrTail.trim().slice(-500)}` : ''}`));
      this.child.on('error', fail);
    });
    // Nobody may be waiting yet; a failed start is reported to the run that awaits it.
    this.ready.catch(() => {});
    this.child.on('exit', () => {
      this.exited = true;
    });
    // 'close' comes after stderr is drained, so a crash report can read the fatal message.
    this.child.on('close', () => {
      this.exited = true;
      this.onExit?.();
    });
    // Ref'd only while a run waits on it: a warm idle child must not keep the host alive.
    this.setRef(false);
  }

  get alive(): boolean {
    return !this.exited && !this.killed;
  }

  /** Resolves to the guest's tagged output; rejects with the run's AgentboxError. */
  async run(run: PreparedScriptRun, broker: HostCallBroker): Promise<string> {
    const id = (this.nextRunId += 1);
    this.setRef(true);
    try {
      await this.ready;
      return await new Promise<string>((resolve, reject) => {
        const killTimer = setTimeout(() => {
          this.kill();
          reject(scriptTimeoutError(run.timeoutMs, ' (its sandbox process did not stop and was killed)'));
        }, run.timeoutMs + this.options.graceMs);
        const settle = (): void => {
          clearTimeout(killTimer);
          run.signal?.removeEventListener('abort', onAbort);
          this.onMessage = undefined;
          this.onExit = undefined;
        };
        const onAbort = (): void => {
          settle();
          this.kill();
          reject(AgentboxError.isInstance(run.signal?.reason) ? run.signal.reason : new AgentboxError('CANCELLED', 'script run was cancelled'));
        };
        run.signal?.addEventListener('abort', onAbort, { once: true });
        this.onExit = () => {
          settle();
          reject(this.crashError(run.memoryMb));
        };
        this.onMessage = (message) => {
          if (message.type === 'host-call' && message.id === id) {
            void broker.call(message.name, message.argsJson).then((outcome) => this.send({ type: 'host-result', id, callId: message.callId, ...outcome }));
          } else if (message.type === 'done' && message.id === id) {
            settle();
            if ('failure' in message) reject(failureError(message.failure, run));
            else resolve(message.tagged);
          }
        };
        if (run.signal?.aborted) return onAbort();
        this.send({
          type: 'run',
          id,
          source: run.source,
          argsJson: run.argsJson,
          timeoutMs: run.timeoutMs,
          memoryMb: run.memoryMb,
          maxOutputBytes: run.maxOutputBytes,
          hostNames: run.hostNames,
          filename: run.filename,
        });
      });
    } finally {
      this.setRef(false);
    }
  }

  kill(): void {
    // Not alive from now on, even before the exit event: the pool must not hand it out again.
    this.killed = true;
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private send(message: ParentMessage): void {
    if (!this.exited && this.child.connected) this.child.send(message);
  }

  /** An idle child must not keep the host process alive. */
  private setRef(ref: boolean): void {
    const handles = [this.child, this.child.channel, this.child.stderr] as Array<{ ref?: () => void; unref?: () => void } | null | undefined>;
    for (const handle of handles) (ref ? handle?.ref : handle?.unref)?.call(handle);
  }

  private crashError(memoryMb: number): AgentboxError {
    const marker = this.stderrTail.lastIndexOf(CATASTROPHIC_MARKER);
    const fatal = marker >= 0 ? this.stderrTail.slice(marker + CATASTROPHIC_MARKER.length).trim() : '';
    if (/out.of.memory|heap/i.test(fatal) || /JavaScript heap out of memory/.test(this.stderrTail)) return scriptMemoryError(memoryMb);
    const code = this.child.exitCode;
    const signal = this.child.signalCode;
    return new AgentboxError('TOOL_FAILED', `the V8 isolate process crashed (${signal ?? `exit code ${code}`})`, {
      details: { reason: 'sandbox-crashed', stderr: this.stderrTail.slice(-1_000) },
    });
  }
}

function failureError(failure: IsolateFailure, run: PreparedScriptRun): AgentboxError {
  switch (failure.kind) {
    case 'timeout':
      return scriptTimeoutError(run.timeoutMs);
    case 'memory':
      return scriptMemoryError(run.memoryMb);
    case 'stack':
      return scriptStackOverflowError();
    case 'internal':
      return new AgentboxError('TOOL_FAILED', `script sandbox failed: ${failure.message}`, { details: { reason: 'sandbox-crashed' } });
    default:
      return scriptThrewError(failure, failure.phase);
  }
}
