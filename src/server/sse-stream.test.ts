import { describe, expect, it } from 'vitest';
import { SseStream, type SseSource } from './sse-stream.js';
import { StreamRegistry } from './stream-registry.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A source that records what the stream asked of it. */
function recordingSource(extra: Partial<SseSource> = {}): SseSource & { released: number; pulls: number } {
  const source = {
    released: 0,
    pulls: 0,
    release() {
      source.released += 1;
    },
    ...extra,
  };
  return source;
}

describe('SseStream', () => {
  it('cuts off a client that leaves `capacity` messages unread: an error event ends what it holds', async () => {
    const streams = new StreamRegistry(60_000);
    const source = recordingSource();
    const stream = new SseStream({ source, streams, capacity: 3 });
    expect(streams.size).toBe(1);
    expect([1, 2, 3].map((i) => stream.send(bytes(`data: ${i}\n\n`)))).toEqual([true, true, true]);
    expect(stream.send(bytes('data: 4\n\n'))).toBe(false);
    expect(stream.isOpen).toBe(false);
    expect(source.released).toBe(1);
    expect(streams.size).toBe(0);
    const text = await stream.response.text();
    expect(text.startsWith('data: 1\n\ndata: 2\n\ndata: 3\n\nevent: error\ndata: ')).toBe(true);
    expect(JSON.parse(text.split('\n')[7]!.slice(6))).toMatchObject({ error: { code: 'CHANNEL_CLOSED' } });
    expect(text).not.toContain('data: 4');
  });

  it('sends SSE headers, and a heartbeat only when nothing is queued', async () => {
    const stream = new SseStream({ source: recordingSource(), streams: new StreamRegistry(60_000), capacity: 10 });
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.response.headers.get('cache-control')).toBe('no-cache');
    stream.send(bytes('data: queued\n\n'));
    stream.heartbeat(); // a stalled client needs no more heartbeats
    const reader = stream.response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: queued\n\n');
    stream.heartbeat();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(': heartbeat\n\n');
    stream.end();
    expect((await reader.read()).done).toBe(true);
  });

  it('pulls its source once per read, and ends with an error event when the source fails', async () => {
    let n = 0;
    const source = recordingSource({
      pull(out: SseStream) {
        n += 1;
        if (n === 3) return Promise.reject(new Error('store gone'));
        out.send(bytes(`data: ${n}\n\n`));
        return undefined;
      },
    });
    const stream = new SseStream({ source, streams: new StreamRegistry(60_000), capacity: 1 });
    const text = await stream.response.text();
    expect(text).toMatch(/^data: 1\n\ndata: 2\n\nevent: error\ndata: \{"error":\{"code":"INTERNAL"/);
    expect(n).toBe(3);
    expect(source.released).toBe(1);
  });

  it('releases its source when the client goes away', async () => {
    const streams = new StreamRegistry(60_000);
    const source = recordingSource();
    const stream = new SseStream({ source, streams, capacity: 10 });
    await stream.response.body!.cancel();
    expect(source.released).toBe(1);
    expect(streams.size).toBe(0);
    expect(stream.send(bytes('data: late\n\n'))).toBe(false);
  });

  it('on shutdown asks a source with `stop` to finish what it holds, else ends at once', async () => {
    const streams = new StreamRegistry(60_000);
    const held = ['data: a\n\n', 'data: b\n\n'];
    let stopped = false;
    const draining = new SseStream({
      streams,
      capacity: 10,
      source: recordingSource({
        stop: () => (stopped = true),
        pull(out: SseStream) {
          const next = held.shift();
          if (next) out.send(bytes(next));
          else if (stopped) out.end();
        },
      }),
    });
    const plain = new SseStream({ source: recordingSource(), streams, capacity: 10 });
    plain.send(bytes('data: queued\n\n'));
    expect(streams.size).toBe(2);
    streams.closeAll();
    expect(stopped).toBe(true);
    expect(await plain.response.text()).toBe('data: queued\n\n');
    expect(await draining.response.text()).toBe('data: a\n\ndata: b\n\n');
    expect(streams.size).toBe(0);
  });
});

describe('StreamRegistry', () => {
  it('beats every open stream from one timer, which runs only while a stream is open', async () => {
    const streams = new StreamRegistry(10);
    const beats: string[] = [];
    const remove = [
      streams.add({ close: () => undefined, heartbeat: () => beats.push('a') }),
      streams.add({ close: () => undefined, heartbeat: () => beats.push('b') }),
    ];
    await new Promise((r) => setTimeout(r, 35));
    expect(beats.filter((b) => b === 'a').length).toBeGreaterThanOrEqual(1);
    expect(beats.filter((b) => b === 'a').length).toBe(beats.filter((b) => b === 'b').length);
    for (const r of remove) r();
    const count = beats.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(beats.length).toBe(count);
    expect(streams.size).toBe(0);
  });
});
