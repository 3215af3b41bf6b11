/**
 * Runs the guest's calls to host capabilities for one script run. Everything crossing the
 * boundary is JSON text in both directions, and a failure crosses as a message only: the
 * guest never holds a host object, an error instance or a stack.
 */
import { MAX_HOST_CALLS_PER_RUN, type HostCapabilities, type JsonValue } from './script-sandbox.js';

export type HostCallOutcome = { ok: true; json: string } | { ok: false; message: string };

/**
 * Where a run sends its guest's host calls: the broker itself, or (in a worker) a relay to
 * the broker on the main thread, where the capabilities live.
 */
export interface HostCalls {
  call(name: string, argsJson: string): Promise<HostCallOutcome>;
  /** The run has ended: calls in flight are abandoned. */
  close(): void;
}

const MAX_ERROR_CHARS = 1_000;

export class HostCallBroker implements HostCalls {
  // Made on the first call: most runs make none, and an abort builds a DOMException.
  private controller: AbortController | undefined;
  private closed = false;
  private calls = 0;
  private inFlight = 0;

  constructor(private readonly host: HostCapabilities) {}

  /** Host calls still running; a run with none and nothing else pending can never finish. */
  get pending(): number {
    return this.inFlight;
  }

  async call(name: string, argsJson: string): Promise<HostCallOutcome> {
    const fn = Object.hasOwn(this.host, name) ? this.host[name] : undefined;
    if (!fn) return { ok: false, message: `host capability '${name}' was not granted` };
    if (this.closed) return { ok: false, message: 'the script run has ended' };
    this.calls += 1;
    if (this.calls > MAX_HOST_CALLS_PER_RUN) {
      return { ok: false, message: `a script may make at most ${MAX_HOST_CALLS_PER_RUN} host calls per run` };
    }
    this.inFlight += 1;
    try {
      const args = JSON.parse(argsJson) as unknown;
      if (!Array.isArray(args)) return { ok: false, message: 'host call arguments must be an array' };
      this.controller ??= new AbortController();
      const value = await fn({ args: args as JsonValue[], signal: this.controller.signal });
      const json = JSON.stringify(value === undefined ? null : value);
      if (typeof json !== 'string') return { ok: false, message: `host capability '${name}' returned a non-JSON value` };
      return { ok: true, json };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, message: message.slice(0, MAX_ERROR_CHARS) };
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Ends the run for the capabilities: in-flight calls see their signal abort. */
  close(): void {
    this.closed = true;
    this.controller?.abort();
  }
}
