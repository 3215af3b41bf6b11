/** The page's calls to the workflow routes of the `agentbox serve` it was loaded from. */
import { createParser } from 'eventsource-parser';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { sendServiceRequest } from '../client/service-request.js';
import type { RunEvent } from '../../workflow/run-events.js';
import type { RunSummary } from '../../workflow/workflow-journal.js';

export interface RunView {
  runId: string;
  status: RunSummary['status'];
  workflow: string;
  principal: string;
  input: unknown;
  output?: unknown;
  error?: { type: string; title?: string; detail?: string; instance?: string };
}

export class WorkflowClient {
  readonly #headers: Record<string, string>;

  constructor(options: { apiKey?: string } = {}) {
    this.#headers = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  }

  async list(): Promise<Array<RunSummary & { principal: string }>> {
    return ((await this.#json('GET', '/v1/workflows/runs')) as { data: Array<RunSummary & { principal: string }> }).data;
  }

  get(runId: string): Promise<RunView> {
    return this.#json('GET', `/v1/workflows/runs/${encodeURIComponent(runId)}`) as Promise<RunView>;
  }

  start(definition: string, input: unknown): Promise<{ runId: string }> {
    return this.#json('POST', '/v1/workflows/runs', { definition, input }) as Promise<{ runId: string }>;
  }

  async approve(runId: string, approved: boolean): Promise<void> {
    await this.#json(
      'POST',
      `/v1/workflows/runs/${encodeURIComponent(runId)}/events`,
      approved ? { approved } : { approved, reason: 'denied in the web page' },
    );
  }

  async cancel(runId: string): Promise<void> {
    await this.#json('POST', `/v1/workflows/runs/${encodeURIComponent(runId)}/cancel`);
  }

  /**
   * The run's journal, live, until the run ends or `signal` aborts. A stream cut short
   * (network, service restart) is reopened with `Last-Event-ID`, so no event is missed or repeated.
   */
  async follow(runId: string, onEvent: (event: RunEvent) => void, signal: AbortSignal): Promise<void> {
    let lastSeq = 0;
    let ended = false;
    while (!ended && !signal.aborted) {
      try {
        const response = await this.#send('GET', `/v1/workflows/runs/${encodeURIComponent(runId)}/events`, undefined, 'text/event-stream', {
          signal,
          headers: lastSeq > 0 ? { 'last-event-id': String(lastSeq) } : {},
        });
        const parser = createParser({
          onEvent: (message) => {
            const event = JSON.parse(message.data) as RunEvent;
            if (message.event === 'error' || event.seq <= lastSeq) return;
            lastSeq = event.seq;
            if (event.type === 'run.completed' || event.type === 'run.faulted' || event.type === 'run.cancelled') ended = true;
            onEvent(event);
          },
        });
        if (!response.body) throw new AgentboxError('UNAVAILABLE', 'the service sent no event stream');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
        // The service ends the stream after the run's last event: a stream that ended without it was cut.
        if (!ended) ended = (await this.get(runId)).status !== 'running';
      } catch (error) {
        if (signal.aborted) return;
        if (AgentboxError.isInstance(error) && error.code !== 'UNAVAILABLE') throw error;
      }
      if (!ended && !signal.aborted) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  #send(
    method: string,
    path: string,
    body: unknown,
    accept: string,
    extra: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers = { ...this.#headers, ...extra.headers };
    return sendServiceRequest(
      (input, init) => globalThis.fetch(input, init),
      path,
      { method, body, accept, headers, ...(extra.signal ? { signal: extra.signal } : {}) },
      'this origin',
    );
  }

  async #json(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.#send(method, path, body, 'application/json');
    return response.json();
  }
}
