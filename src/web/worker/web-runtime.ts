/**
 * `WebRuntime`: the `AgentRuntime` interface on the page, with the runtime itself running
 * in a Web Worker (so a long turn, a WASM tool or a script never freezes the page).
 *
 * The interface has a few synchronous methods (`stream`, `cancel`, `decide`,
 * `pendingApprovals`). They answer from a mirror the page keeps of the worker's events —
 * running turns and pending approvals — and send the command on; everything else is a
 * request over the bridge.
 */
import { AgentboxError } from '../../errors/agentbox-error.js';
import { EventBus, type EventSubscription, type SubscribeOptions } from '../../engine/event-bus.js';
import type { AgentEvent } from '../../engine/events.js';
import type { Session, SessionSummary } from '../../engine/session.js';
import type { ApprovalDecision, ApprovalRequest } from '../../agent/tools/tool-executor.js';
import { checkElicitationAnswer } from '../../agent/tools/check-elicitation-answer.js';
import type { ElicitationAnswer, ElicitationRequest } from '../../engine/elicitation.js';
import { formatIssues } from '../../errors/validation-issue.js';
import type { AgentRuntime, CreateSessionOptions, ProcessRequest } from '../../runtime/agent-runtime.js';
import type { ListSessionsOptions } from '../../store/session-store.js';
import { BridgeClient, EVENT_WINDOW, type BridgeEndpoint, type PageMessage, type WorkerMessage } from './runtime-bridge.js';
import type { WebRuntimeConfig, WebRuntimeInfo } from './web-runtime-config.js';

export interface WebRuntimeStartOptions {
  /** URL of the worker bundle (`agentbox-worker.js`). */
  workerUrl?: string | URL;
  /** An already created worker (or any endpoint speaking the bridge), instead of `workerUrl`. */
  worker?: BridgeEndpoint & { terminate?: () => void };
  config?: WebRuntimeConfig;
}

export class WebRuntime implements AgentRuntime {
  /** What the worker built: endpoint, tools, store. */
  readonly info: WebRuntimeInfo;
  readonly #client: BridgeClient;
  readonly #endpoint: BridgeEndpoint & { terminate?: () => void };
  readonly #bus = new EventBus();
  readonly #running = new Set<string>();
  readonly #approvals = new Map<string, Map<string, ApprovalRequest>>();
  readonly #elicitations = new Map<string, Map<string, ElicitationRequest>>();
  readonly #queue: AgentEvent[] = [];
  #delivering = false;
  #closed = false;

  private constructor(endpoint: BridgeEndpoint & { terminate?: () => void }, client: BridgeClient, info: WebRuntimeInfo) {
    this.#endpoint = endpoint;
    this.#client = client;
    this.info = info;
  }

  /**
   * Starts the worker and builds its runtime from `config`.
   * @example
   * const runtime = await WebRuntime.start({
   *   workerUrl: '/assets/agentbox-worker.js',
   *   config: { llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' } },
   * });
   * const session = await runtime.process({ input: 'What is 17 * 23?' });
   */
  static async start(options: WebRuntimeStartOptions): Promise<WebRuntime> {
    const endpoint: BridgeEndpoint & { terminate?: () => void } = options.worker ?? startWorker(options.workerUrl);
    const client = new BridgeClient(endpoint);
    let runtime: WebRuntime | undefined;
    const early: AgentEvent[] = [];
    endpoint.addEventListener('message', (event: MessageEvent) => {
      const message = event.data as WorkerMessage;
      if (message.kind === 'response') client.settle(message);
      else if (runtime) runtime.#receive(message.event);
      else early.push(message.event);
    });
    if (endpoint instanceof EventTarget) {
      endpoint.addEventListener('error', (event) => {
        const detail = event instanceof ErrorEvent && event.message ? `: ${event.message}` : '';
        client.failAll(new AgentboxError('UNAVAILABLE', `the agentbox worker failed to load or crashed${detail}`));
      });
    }
    const info = await client.call('init', options.config ?? {});
    runtime = new WebRuntime(endpoint, client, info);
    for (const event of early) runtime.#receive(event);
    return runtime;
  }

  async process(request: ProcessRequest): Promise<Session> {
    // A page-side onInput cannot cross the bridge: forms wait for answerElicitation() instead.
    const { signal, onApproval, onInput: _onInput, ...rest } = request;
    let sessionId = request.sessionId;
    if (!sessionId && onApproval) sessionId = (await this.createSession(request.session)).id;
    const detach = onApproval && sessionId ? this.#approveWith(sessionId, onApproval) : undefined;
    try {
      return await this.#client.call('process', { ...rest, ...(sessionId ? { sessionId } : {}) }, signal);
    } finally {
      detach?.();
    }
  }

  stream(options?: SubscribeOptions): EventSubscription {
    return this.#bus.subscribe(options);
  }

  createSession(options: CreateSessionOptions = {}): Promise<Session> {
    return this.#client.call('createSession', options);
  }

  async getSession(sessionId: string): Promise<Session | undefined> {
    return (await this.#client.call('getSession', { sessionId })) ?? undefined;
  }

  listSessions(options: ListSessionsOptions = {}): Promise<SessionSummary[]> {
    return this.#client.call('listSessions', options);
  }

  events(sessionId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<AgentEvent[]> {
    return this.#client.call('events', { sessionId, ...options });
  }

  deleteSession(sessionId: string): Promise<boolean> {
    return this.#client.call('deleteSession', { sessionId });
  }

  cancel(sessionId: string): boolean {
    if (!this.#running.has(sessionId)) return false;
    void this.#client.call('cancel', { sessionId }).catch(() => undefined);
    return true;
  }

  decide(sessionId: string, callId: string, decision: ApprovalDecision): boolean {
    const pending = this.#approvals.get(sessionId);
    if (!pending?.delete(callId)) return false;
    void this.#client.call('decide', { sessionId, callId, decision }).catch(() => undefined);
    return true;
  }

  pendingApprovals(sessionId: string): ApprovalRequest[] {
    return [...(this.#approvals.get(sessionId)?.values() ?? [])];
  }

  /** Checked here against the mirrored form (so a bad answer throws at once), then sent on. */
  answerElicitation(sessionId: string, id: string, answer: ElicitationAnswer): boolean {
    const pending = this.#elicitations.get(sessionId);
    const request = pending?.get(id);
    if (!request) return false;
    const issues = checkElicitationAnswer(request.requestedSchema, answer);
    if (issues.length > 0) {
      throw new AgentboxError('INVALID_INPUT', `the answer does not match the form: ${formatIssues(issues, { limit: 5 })}`, { details: { issues } });
    }
    pending?.delete(id);
    void this.#client.call('answerElicitation', { sessionId, id, answer }).catch(() => undefined);
    return true;
  }

  pendingElicitations(sessionId: string): ElicitationRequest[] {
    return [...(this.#elicitations.get(sessionId)?.values() ?? [])];
  }

  /** Closes the worker's runtime and terminates the worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.call('close', {}).catch(() => undefined);
    this.#client.failAll(new AgentboxError('UNAVAILABLE', 'the web runtime is closed'));
    this.#bus.closeAll();
    this.#endpoint.terminate?.();
  }

  #receive(event: AgentEvent): void {
    this.#mirror(event);
    this.#queue.push(event);
    if (!this.#delivering) void this.#deliver();
  }

  /** Publishes in order, awaiting subscribers' backpressure, and returns credit as events land. */
  async #deliver(): Promise<void> {
    this.#delivering = true;
    let unacknowledged = 0;
    while (this.#queue.length > 0) {
      const event = this.#queue.shift() as AgentEvent;
      await this.#bus.publish(event);
      unacknowledged += 1;
      if (unacknowledged >= EVENT_WINDOW / 4 || this.#queue.length === 0) {
        this.#endpoint.postMessage({ kind: 'ack', count: unacknowledged } satisfies PageMessage);
        unacknowledged = 0;
      }
    }
    this.#delivering = false;
  }

  #mirror(event: AgentEvent): void {
    switch (event.type) {
      case 'turn.started':
        this.#running.add(event.sessionId);
        break;
      case 'turn.completed':
      case 'turn.failed':
      case 'turn.cancelled':
        this.#running.delete(event.sessionId);
        this.#approvals.delete(event.sessionId);
        this.#elicitations.delete(event.sessionId);
        break;
      case 'approval.requested': {
        let pending = this.#approvals.get(event.sessionId);
        if (!pending) this.#approvals.set(event.sessionId, (pending = new Map()));
        pending.set(event.callId, { callId: event.callId, name: event.name, arguments: event.arguments });
        break;
      }
      case 'approval.decided':
        this.#approvals.get(event.sessionId)?.delete(event.callId);
        break;
      case 'elicitation.requested': {
        let pending = this.#elicitations.get(event.sessionId);
        if (!pending) this.#elicitations.set(event.sessionId, (pending = new Map()));
        const { id, callId, name, server, message, requestedSchema, url } = event;
        pending.set(id, { id, callId, name, ...(server !== undefined ? { server } : {}), message, requestedSchema, ...(url !== undefined ? { url } : {}) });
        break;
      }
      case 'elicitation.answered':
        this.#elicitations.get(event.sessionId)?.delete(event.id);
        break;
      default:
        break;
    }
  }

  /** Runs a page-side approval callback for each batch of requests of one session. */
  #approveWith(sessionId: string, onApproval: NonNullable<ProcessRequest['onApproval']>): () => void {
    const subscription = this.#bus.subscribe({ sessionId, capacity: 1000, overflow: 'drop-oldest' });
    void (async () => {
      for await (const event of subscription) {
        if (event.type !== 'approval.requested') continue;
        const request = { callId: event.callId, name: event.name, arguments: event.arguments };
        const decisions = await onApproval([request]);
        const decision = decisions.get(event.callId) ?? { approved: false, by: 'page', reason: 'no decision' };
        this.decide(sessionId, event.callId, decision);
      }
    })();
    return () => subscription.close();
  }
}

function startWorker(url: string | URL | undefined): Worker {
  if (!url) throw new AgentboxError('INVALID_INPUT', 'WebRuntime.start needs a workerUrl (the agentbox-worker.js bundle) or a worker');
  if (typeof Worker === 'undefined') throw new AgentboxError('INVALID_INPUT', 'Web Workers are not available here');
  return new Worker(url, { type: 'module', name: 'agentbox' });
}
