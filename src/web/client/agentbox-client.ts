/**
 * A browser client for an `agentbox serve` backend's sessions API: JSON requests, answers
 * and event subscriptions as Server-Sent Events read from `fetch` (EventSource cannot POST
 * or send an API key). Errors `{ error: { code, message } }` become `AgentboxError`s with
 * that code.
 */
import { createParser } from 'eventsource-parser';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { errorFromBody, sendServiceRequest } from './service-request.js';
import type { AgentEvent } from '../../engine/events.js';
import type { Session, SessionSummary } from '../../engine/session.js';

export interface AgentboxClientOptions {
  /** Origin (and path prefix) of the service; default the page's own origin. */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer …` when the service requires a key. */
  apiKey?: string;
  fetch?: typeof fetch;
}

/**
 * @example
 * const client = new AgentboxClient();
 * const session = await client.createSession();
 * for await (const event of client.sendMessage(session.id, 'What is 17 * 23?')) {
 *   if (event.type === 'llm.text-delta') output.append(event.text);
 * }
 */
export class AgentboxClient {
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;

  constructor(options: AgentboxClientOptions = {}) {
    this.#base = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.#headers = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async health(): Promise<Record<string, unknown>> {
    return (await this.#json('GET', '/healthz')) as Record<string, unknown>;
  }

  async createSession(options: { system?: string; metadata?: Record<string, unknown> } = {}): Promise<Session> {
    return (await this.#json('POST', '/v1/sessions', options)) as Session;
  }

  async listSessions(): Promise<SessionSummary[]> {
    return ((await this.#json('GET', '/v1/sessions')) as { data: SessionSummary[] }).data;
  }

  /** The session, or undefined when the service says it does not exist (404). */
  async getSession(sessionId: string): Promise<Session | undefined> {
    try {
      return (await this.#json('GET', `/v1/sessions/${encodeURIComponent(sessionId)}`)) as Session;
    } catch (error) {
      if (AgentboxError.isInstance(error) && (error.code === 'SESSION_NOT_FOUND' || error.code === 'NOT_FOUND')) return undefined;
      throw error;
    }
  }

  /** The stored log of a session (as JSON), optionally after a seq. */
  async events(sessionId: string, afterSeq = 0): Promise<AgentEvent[]> {
    const path = `/v1/sessions/${encodeURIComponent(sessionId)}/events?after=${afterSeq}`;
    return ((await this.#json('GET', path, undefined, 'application/json')) as { data: AgentEvent[] }).data;
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.#json('DELETE', `/v1/sessions/${encodeURIComponent(sessionId)}`);
  }

  /** Posts a user message and streams the turn's events until it completes, fails or is cancelled. */
  sendMessage(sessionId: string, input: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<AgentEvent> {
    return this.#stream('POST', `/v1/sessions/${encodeURIComponent(sessionId)}/messages`, { input }, options);
  }

  /** Subscribes to a session's events, resuming after `lastEventId` (a seq) when given. Runs until aborted. */
  subscribe(sessionId: string, options: { lastEventId?: number; signal?: AbortSignal } = {}): AsyncGenerator<AgentEvent> {
    const headers: Record<string, string> = options.lastEventId !== undefined ? { 'last-event-id': String(options.lastEventId) } : {};
    return this.#stream('GET', `/v1/sessions/${encodeURIComponent(sessionId)}/events`, undefined, { ...options, headers });
  }

  async decide(sessionId: string, callId: string, decision: { approved: boolean; reason?: string }): Promise<void> {
    await this.#json('POST', `/v1/sessions/${encodeURIComponent(sessionId)}/approvals/${encodeURIComponent(callId)}`, decision);
  }

  /** Answers a running tool's form (`elicitation.requested`): a 400 (INVALID_INPUT) when the content does not match it, the form still waiting. */
  async answerElicitation(
    sessionId: string,
    id: string,
    answer: { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, string | number | boolean | string[]> },
  ): Promise<void> {
    await this.#json('POST', `/v1/sessions/${encodeURIComponent(sessionId)}/elicitations/${encodeURIComponent(id)}`, answer);
  }

  async cancel(sessionId: string): Promise<void> {
    await this.#json('POST', `/v1/sessions/${encodeURIComponent(sessionId)}/cancel`, {});
  }

  #send(
    method: string,
    path: string,
    body: unknown,
    accept: string,
    extra: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    return sendServiceRequest(
      this.#fetch,
      `${this.#base}${path}`,
      { method, body, accept, headers: { ...this.#headers, ...extra.headers }, ...(extra.signal ? { signal: extra.signal } : {}) },
      this.#base || 'this origin',
    );
  }

  async #json(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<unknown> {
    const response = await this.#send(method, path, body, accept);
    if (response.status === 204) return null;
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : null;
  }

  async *#stream(method: string, path: string, body: unknown, options: { headers?: Record<string, string>; signal?: AbortSignal }): AsyncGenerator<AgentEvent> {
    const response = await this.#send(method, path, body, 'text/event-stream', options);
    if (!response.body) throw new AgentboxError('UNAVAILABLE', 'the service sent no event stream');
    const queue: Array<{ event?: string; data: string }> = [];
    const parser = createParser({ onEvent: (message) => void queue.push(message) });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        parser.feed(value);
        while (queue.length > 0) {
          const message = queue.shift() as { event?: string; data: string };
          const payload = JSON.parse(message.data) as unknown;
          if (message.event === 'error') throw errorFromBody(payload, 'the event stream ended with an error');
          yield payload as AgentEvent;
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
}
