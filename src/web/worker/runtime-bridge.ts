/**
 * The typed message bridge between a page and the worker that hosts its runtime.
 *
 * - Requests and responses carry an id; a failed request answers with the error's `code`,
 *   message and details, rebuilt on the page as an `AgentboxError`.
 * - Events stream from the worker with credit-based flow control: the worker sends at
 *   most `EVENT_WINDOW` events the page has not acknowledged, and the page acknowledges an
 *   event only once its own subscribers took it. A slow page subscriber therefore slows
 *   the agent in the worker, exactly as a slow local subscriber would, and nothing queues
 *   without bound on either side.
 * - A `process` request can be aborted by id (the page's `AbortSignal`).
 *
 * Everything sent is structured-clone safe: plain data, no functions.
 */
import { AgentboxError, type ErrorCode, type SerializedError, serializeError } from '../../errors/agentbox-error.js';
import type { AgentEvent } from '../../engine/events.js';
import type { Session, SessionSummary } from '../../engine/session.js';
import type { ApprovalDecision, ApprovalRequest } from '../../agent/tools/tool-executor.js';
import type { ElicitationAnswer, ElicitationRequest } from '../../engine/elicitation.js';
import type { CreateSessionOptions } from '../../runtime/agent-runtime.js';
import type { ListSessionsOptions } from '../../store/session-store.js';
import type { OutputSpec } from '../../agent/structured-output.js';
import type { PromptReference } from '../../prompt/prompt-source.js';
import type { WebRuntimeConfig, WebRuntimeInfo } from './web-runtime-config.js';

/** Events in flight before the worker waits for the page's acknowledgement. */
export const EVENT_WINDOW = 64;

/** `ProcessRequest` minus what cannot cross a thread (the signal and the approval callback). */
export interface BridgeProcessRequest {
  sessionId?: string;
  input?: string;
  /** A prompt crosses as data: its `source`, or a `file` the worker's prompt loader reads. */
  prompt?: PromptReference;
  output?: OutputSpec;
  session?: CreateSessionOptions;
  principal?: string;
}

/** Every method the worker serves: parameters and result. */
export interface RuntimeMethods {
  init: { params: WebRuntimeConfig; result: WebRuntimeInfo };
  process: { params: BridgeProcessRequest; result: Session };
  createSession: { params: CreateSessionOptions; result: Session };
  getSession: { params: { sessionId: string }; result: Session | null };
  listSessions: { params: ListSessionsOptions; result: SessionSummary[] };
  events: { params: { sessionId: string; afterSeq?: number; limit?: number }; result: AgentEvent[] };
  deleteSession: { params: { sessionId: string }; result: boolean };
  cancel: { params: { sessionId: string }; result: boolean };
  decide: { params: { sessionId: string; callId: string; decision: ApprovalDecision }; result: boolean };
  pendingApprovals: { params: { sessionId: string }; result: ApprovalRequest[] };
  answerElicitation: { params: { sessionId: string; id: string; answer: ElicitationAnswer }; result: boolean };
  pendingElicitations: { params: { sessionId: string }; result: ElicitationRequest[] };
  close: { params: Record<string, never>; result: null };
}

export type MethodName = keyof RuntimeMethods;

export type PageMessage =
  | { [M in MethodName]: { kind: 'request'; id: number; method: M; params: RuntimeMethods[M]['params'] } }[MethodName]
  /** Aborts the `process` request with this id. */
  | { kind: 'abort'; id: number }
  /** The page delivered this many more events: the worker may send as many again. */
  | { kind: 'ack'; count: number };

export type WorkerMessage =
  | { kind: 'response'; id: number; ok: true; value: unknown }
  | { kind: 'response'; id: number; ok: false; error: SerializedError }
  | { kind: 'event'; event: AgentEvent };

/** The end of a `MessagePort`-like channel (a `Worker` on the page, the worker's global scope). */
export interface BridgeEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** What a worker sends for an error: the code survives, stack traces stay behind. */
export function errorToWire(error: unknown): SerializedError {
  return serializeError(error);
}

/** Rebuilds an `AgentboxError` on the page from what the worker sent. */
export function errorFromWire(error: SerializedError): AgentboxError {
  return new AgentboxError(error.code as ErrorCode, error.message, error.details ? { details: error.details } : {});
}

/** The page side of requests: sends, and settles each promise when its answer arrives. */
export class BridgeClient {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  #failure: AgentboxError | undefined;

  constructor(private readonly endpoint: BridgeEndpoint) {}

  call<M extends MethodName>(method: M, params: RuntimeMethods[M]['params'], signal?: AbortSignal): Promise<RuntimeMethods[M]['result']> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => this.endpoint.postMessage({ kind: 'abort', id } satisfies PageMessage);
      const cleanup = (): void => signal?.removeEventListener('abort', onAbort);
      this.#pending.set(id, {
        resolve: (value) => {
          cleanup();
          resolve(value as RuntimeMethods[M]['result']);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      });
      this.endpoint.postMessage({ kind: 'request', id, method, params } as PageMessage);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Settles a request from a `response` message. Returns false for unknown ids. */
  settle(message: Extract<WorkerMessage, { kind: 'response' }>): boolean {
    const pending = this.#pending.get(message.id);
    if (!pending) return false;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(errorFromWire(message.error));
    return true;
  }

  /** Rejects everything outstanding and every later call (the worker died or was closed). */
  failAll(error: AgentboxError): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
