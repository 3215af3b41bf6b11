/**
 * The worker side of the runtime bridge: answers the page's requests with a runtime built
 * on `init`, and forwards every event of the runtime's bus under the page's credit window.
 */
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { EventSubscription } from '../../engine/event-bus.js';
import type { AgentRuntime } from '../../runtime/agent-runtime.js';
import {
  EVENT_WINDOW,
  errorToWire,
  type BridgeEndpoint,
  type MethodName,
  type PageMessage,
  type RuntimeMethods,
  type WorkerMessage,
} from './runtime-bridge.js';
import type { WebRuntimeConfig, WebRuntimeInfo } from './web-runtime-config.js';

export type RuntimeFactory = (config: WebRuntimeConfig) => Promise<{ runtime: AgentRuntime; info: WebRuntimeInfo }>;

type Handlers = { [M in MethodName]: (params: RuntimeMethods[M]['params'], id: number) => Promise<RuntimeMethods[M]['result']> };

/** Sends bus events to the page, never more than the page has room for. */
class EventForwarder {
  #credits = EVENT_WINDOW;
  #wake: (() => void) | undefined;
  #ended = false;
  readonly #posted = new Map<string, number>();
  readonly #waiters = new Set<{ sessionId: string; seq: number; resolve: () => void }>();

  constructor(
    private readonly subscription: EventSubscription,
    private readonly post: (message: WorkerMessage) => void,
  ) {
    void this.#run();
  }

  grant(count: number): void {
    this.#credits += count;
    this.#wake?.();
  }

  /** Resolves once the event `seq` of a session has been posted (so a response never overtakes its events). */
  reached(sessionId: string, seq: number): Promise<void> {
    if (this.#ended || (this.#posted.get(sessionId) ?? 0) >= seq) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.add({ sessionId, seq, resolve }));
  }

  async #run(): Promise<void> {
    for await (const event of this.subscription) {
      while (this.#credits <= 0) await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#credits -= 1;
      this.post({ kind: 'event', event });
      if (event.seq === 0) continue;
      this.#posted.set(event.sessionId, event.seq);
      for (const waiter of this.#waiters) {
        if (waiter.sessionId === event.sessionId && waiter.seq <= event.seq) {
          this.#waiters.delete(waiter);
          waiter.resolve();
        }
      }
    }
    this.#ended = true;
    for (const waiter of this.#waiters) waiter.resolve();
  }
}

/**
 * Serves one runtime over `endpoint` (the worker's global scope).
 * @example
 * exposeRuntime(self, createWorkerRuntime);
 */
export function exposeRuntime(endpoint: BridgeEndpoint, factory: RuntimeFactory): void {
  let runtime: AgentRuntime | undefined;
  let forwarder: EventForwarder | undefined;
  const running = new Map<number, { controller: AbortController; sessionId: string }>();
  const post = (message: WorkerMessage): void => endpoint.postMessage(message);
  const ready = (): AgentRuntime => {
    if (!runtime) throw new AgentboxError('INVALID_INPUT', 'the worker runtime is not initialised: call init first');
    return runtime;
  };

  const handlers: Handlers = {
    init: async (config) => {
      if (runtime) throw new AgentboxError('INVALID_INPUT', 'the worker runtime is already initialised');
      const built = await factory(config);
      runtime = built.runtime;
      forwarder = new EventForwarder(runtime.stream({ capacity: 256 }), post);
      return built.info;
    },
    process: async (params, id) => {
      const local = ready();
      // The session id is needed to cancel: an aborted signal alone does not end a wait for approval.
      const { session: sessionOptions, ...rest } = params;
      // A prompt's new session gets no default system prompt, as in BaseRuntime.process.
      const created = params.prompt ? { ...sessionOptions, system: sessionOptions?.system ?? '' } : sessionOptions;
      const sessionId = params.sessionId ?? (await local.createSession(created)).id;
      const controller = new AbortController();
      running.set(id, { controller, sessionId });
      try {
        const session = await local.process({ ...rest, sessionId, signal: controller.signal });
        await forwarder?.reached(session.id, session.lastSeq);
        return session;
      } catch (error) {
        // A failed turn's recorded events (turn.failed …) still reach the page before its error.
        const stored = await local.getSession(sessionId).catch(() => undefined);
        if (stored) await forwarder?.reached(stored.id, stored.lastSeq);
        throw error;
      } finally {
        running.delete(id);
      }
    },
    createSession: async (params) => {
      const session = await ready().createSession(params);
      await forwarder?.reached(session.id, session.lastSeq);
      return session;
    },
    getSession: async ({ sessionId }) => (await ready().getSession(sessionId)) ?? null,
    listSessions: (params) => ready().listSessions(params),
    events: ({ sessionId, ...options }) => ready().events(sessionId, options),
    deleteSession: ({ sessionId }) => ready().deleteSession(sessionId),
    cancel: async ({ sessionId }) => ready().cancel(sessionId),
    decide: async ({ sessionId, callId, decision }) => ready().decide(sessionId, callId, decision),
    pendingApprovals: async ({ sessionId }) => ready().pendingApprovals(sessionId),
    answerElicitation: async ({ sessionId, id, answer }) => ready().answerElicitation(sessionId, id, answer),
    pendingElicitations: async ({ sessionId }) => ready().pendingElicitations(sessionId),
    close: async () => {
      await runtime?.close();
      return null;
    },
  };

  endpoint.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as PageMessage;
    if (message.kind === 'ack') return forwarder?.grant(message.count);
    if (message.kind === 'abort') {
      const turn = running.get(message.id);
      turn?.controller.abort(new AgentboxError('CANCELLED', 'the turn was cancelled'));
      if (turn) runtime?.cancel(turn.sessionId);
      return;
    }
    const handler = handlers[message.method] as (params: unknown, id: number) => Promise<unknown>;
    Promise.resolve()
      .then(() => handler(message.params, message.id))
      .then(
        (value) => post({ kind: 'response', id: message.id, ok: true, value }),
        (error: unknown) => post({ kind: 'response', id: message.id, ok: false, error: errorToWire(error) }),
      );
  });
}
