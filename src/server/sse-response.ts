import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { AgentEvent } from '../engine/events.js';
import { errorResponseParts } from './http-error.js';
import type { StreamRegistry } from './stream-registry.js';

export interface SseEventsOptions {
  events: AsyncIterable<AgentEvent>;
  /** Stops the event source (the client went away, or the server is shutting down). */
  stop: () => void;
  streams: StreamRegistry;
  heartbeatMs: number;
}

/** The SSE text of one agent event: event name = type, `id` = seq for stored events. */
export function sseEventText(event: AgentEvent): string {
  // Formatted here rather than by `writeSSE`, which splits the data into lines and checks
  // every field with regexes (and an extra promise) per message: JSON.stringify never emits
  // CR or LF, an event type is one of our names and seq a number, so none can break a line.
  const id = event.seq > 0 ? `id: ${event.seq}\n` : '';
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n${id}\n`;
}

/** One agent event as an SSE message. */
export async function writeEvent(stream: SSEStreamingApi, event: AgentEvent): Promise<void> {
  await stream.write(sseEventText(event));
}

/**
 * Streams agent events as Server-Sent Events. Writes wait for the socket (backpressure
 * reaches the bounded subscription, whose `close` policy then cuts a stalled client off);
 * a failure ends the stream with an `error` event carrying `{ code, message }`.
 */
export function sseEventsResponse(c: Context, options: SseEventsOptions): Response {
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    const unregister = options.streams.add(options.stop);
    stream.onAbort(options.stop);
    const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), options.heartbeatMs);
    try {
      for await (const event of options.events) {
        await writeEvent(stream, event);
        if (stream.aborted) break;
      }
    } catch (error) {
      if (!stream.aborted) await stream.writeSSE({ event: 'error', data: JSON.stringify(errorResponseParts(error).body) });
    } finally {
      clearInterval(heartbeat);
      unregister();
      options.stop();
    }
  });
}

/** Whether the client asked for an event stream. */
export function wantsEventStream(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('text/event-stream');
}
