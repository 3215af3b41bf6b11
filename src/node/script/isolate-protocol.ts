/**
 * Messages between the isolate sandbox (parent) and its child process, over Node's IPC
 * channel as JSON. Only primitives and JSON text cross: the child never sees a host object.
 */

import type { ScriptRunPayload } from '../../sandbox/script/prepare-script-run.js';

export interface IsolateRunRequest extends ScriptRunPayload {
  type: 'run';
  id: number;
}

export interface IsolateHostResult {
  type: 'host-result';
  id: number;
  callId: number;
  ok: boolean;
  json?: string;
  message?: string;
}

export type ParentMessage = IsolateRunRequest | IsolateHostResult;

/** How a run failed, as the child saw it; the parent turns it into an AgentboxError. */
export type IsolateFailureKind = 'timeout' | 'memory' | 'stack' | 'guest' | 'internal';

export interface IsolateFailure {
  kind: IsolateFailureKind;
  phase: 'load' | 'run';
  name: string;
  message: string;
  stack?: string;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'host-call'; id: number; callId: number; name: string; argsJson: string }
  | { type: 'done'; id: number; tagged: string }
  | { type: 'done'; id: number; failure: IsolateFailure };

/** Written to stderr by a child whose isolate hit a fatal V8 error, just before it kills itself. */
export const CATASTROPHIC_MARKER = 'AGENTBOX_ISOLATE_CATASTROPHIC';
