import type { Context } from 'hono';
import type { SSEStreamingApi } from 'hono/streaming';
import type { AgentEvent } from '../engine/events.js';
import { SseStream } from './sse-stream.js';
import type { StreamRegistry } from './stream-registry.js';

export interface SseEventsOptions {
  events: AsyncIterable<AgentEvent>;
  /** Stops the event source (the client went away, or the server is shutting down). */
  stop: () => void;
  streams: StreamRegistry;
  /** Events queued for a client that is not reading before it is cut off. */
  capacity: number;
}

const encoder = new TextEncoder();

/** The SSE text of one agent event: event name = type, `id` = seq for stored events. */
export function sseEventText(event: AgentEvent): string {
  // Formatted here rather than by `writeSSE`, which splits the data into lines and checks
  // every field with regexes (and an extra promise) per message: JSON.stringify never emits
  // CR or LF, an event type is one of our names and seq a number, so none can break a line.
  const id = event.seq > 0 ? `id: ${event.seq}\n` : '';
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n${id}\n`;
}

/** The UTF-8 bytes of `sseEventText(event)`, as an SSE response body carries them. */
export function sseEventBytes(event: AgentEvent): Uint8Array {
  return encoder.encode(sseEventText(event));
}

/** One agent event as an SSE message on a Hono SSE stream. */
export async function writeEvent(stream: SSEStreamingApi, event: AgentEvent): Promise<void> {
  await stream.write(sseEventText(event));
}

/**
 * Streams agent events as Server-Sent Events, one event per read of the client: the source
 * is pulled only as fast as the socket drains (backpressure reaches the bounded
 * subscription, whose `close` policy then cuts a stalled client off); a failure ends the
 * stream with an `error` event carrying `{ code, message }`.
 */
export function sseEventsResponse(options: SseEventsOptions): Response {
  const events = options.events[Symbol.asyncIterator]();
  const stream = new SseStream({
    streams: options.streams,
    capacity: options.capacity,
    source: {
      async pull(out) {
        const next = await events.next();
        if (next.done) out.end();
        else out.send(sseEventBytes(next.value));
      },
      // The iterator ends after what the stopped source holds; then `pull` ends the stream.
      stop: options.stop,
      release() {
        options.stop();
        void events.return?.()?.catch(() => undefined);
      },
    },
  });
  return stream.response;
}

/** Whether the client asked for an event stream. */
export function wantsEventStream(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('text/event-stream');
}
