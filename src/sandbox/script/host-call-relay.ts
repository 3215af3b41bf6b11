/**
 * The worker's side of a run's host calls: each guest call becomes a message to the host
 * thread, whose `HostCallBroker` holds the capabilities and answers with the outcome. The
 * worker never holds a capability, only this relay.
 */
import type { HostCallOutcome, HostCalls } from './host-call-broker.js';
import type { QuickJsWorkerMessage } from './quickjs-worker-protocol.js';

const ENDED: HostCallOutcome = { ok: false, message: 'the script run has ended' };

export class HostCallRelay implements HostCalls {
  private readonly waiting = new Map<number, (outcome: HostCallOutcome) => void>();
  private nextCallId = 1;
  private closed = false;

  constructor(
    private readonly runId: number,
    private readonly post: (message: QuickJsWorkerMessage) => void,
  ) {}

  call(name: string, argsJson: string): Promise<HostCallOutcome> {
    if (this.closed) return Promise.resolve(ENDED);
    const callId = this.nextCallId++;
    return new Promise((resolve) => {
      this.waiting.set(callId, resolve);
      this.post({ type: 'host-call', runId: this.runId, callId, name, argsJson });
    });
  }

  /** The host thread's answer to one call. */
  answer(callId: number, outcome: HostCallOutcome): void {
    const resolve = this.waiting.get(callId);
    this.waiting.delete(callId);
    resolve?.(outcome);
  }

  close(): void {
    this.closed = true;
    for (const resolve of this.waiting.values()) resolve(ENDED);
    this.waiting.clear();
  }
}
