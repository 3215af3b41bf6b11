/**
 * Messages between a host thread and a QuickJS worker (structured-clone safe, no
 * functions). The guest's code, arguments and result cross as text; a host call crosses as
 * its name and JSON arguments, its outcome comes back as `HostCallOutcome`. Capabilities
 * never leave the host thread, so the worker holds nothing a guest could misuse.
 */
import type { SerializedError } from '../../errors/index.js';
import type { HostCallOutcome } from './host-call-broker.js';
import type { ScriptRunPayload } from './prepare-script-run.js';

/** Host → worker: start a run (one at a time per worker). */
export interface QuickJsWorkerRunMessage extends ScriptRunPayload {
  type: 'run';
  runId: number;
}

export type QuickJsHostMessage =
  | QuickJsWorkerRunMessage
  | { type: 'host-result'; runId: number; callId: number; outcome: HostCallOutcome }
  /** The run's caller gave up: stop at the next chance (a host call wait, an interrupt check). */
  | { type: 'cancel'; runId: number };

export type QuickJsWorkerMessage =
  /** The worker has loaded QuickJS and takes runs. */
  | { type: 'ready' }
  | { type: 'host-call'; runId: number; callId: number; name: string; argsJson: string }
  | {
      type: 'done';
      runId: number;
      /** The result's JSON text, on success. */
      json?: string;
      error?: SerializedError;
      /** The instance's linear memory after the run: its high-water mark. */
      peakMemoryBytes: number;
    };
