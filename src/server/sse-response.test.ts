import { SSEStreamingApi } from 'hono/streaming';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../engine/events.js';
import { sseEventText, writeEvent } from './sse-response.js';

/** What Hono's own `writeSSE` sends for a message, read back from a real stream. */
async function written(write: (stream: SSEStreamingApi) => Promise<void>): Promise<string> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const stream = new SSEStreamingApi(writable, readable);
  const text = new Response(stream.responseReadable).text();
  await write(stream);
  await stream.close();
  return text;
}

const events: AgentEvent[] = [
  { type: 'turn.started', sessionId: 's1', seq: 3, time: 1, turn: 1, input: 'line one\nline two\r\n\u2028 "quoted" ✓' },
  { type: 'llm.text-delta', sessionId: 's1', seq: 0, time: 2, step: 1, text: 'no id: transient\n' },
];

describe('SSE event text', () => {
  it('is byte for byte what writeSSE sends, with an id only for stored events', async () => {
    for (const event of events) {
      const ours = await written((stream) => writeEvent(stream, event));
      const hono = await written((stream) =>
        stream.writeSSE({ event: event.type, data: JSON.stringify(event), ...(event.seq > 0 ? { id: String(event.seq) } : {}) }),
      );
      expect(ours).toBe(hono);
      expect(ours).toBe(sseEventText(event));
    }
    expect(sseEventText(events[0]!)).toMatch(/^event: turn\.started\ndata: \{[^\n]*\}\nid: 3\n\n$/);
    expect(sseEventText(events[1]!)).not.toMatch(/\nid: /);
  });
});
