/**
 * Streaming through the runtime with the network taken out: an in-process model yields N
 * text deltas; the agent loop publishes each on the event bus; a subscriber consumes them.
 * Baselines: the same generator consumed directly (raw stream).
 */
import { BaseRuntime, MemorySessionStore, EventBus } from '../dist/index.js';
import { fmt, gc, report, summarize } from './stats.js';

const chunks = Number(process.env.BENCH_CHUNKS ?? 1_000_000);

function modelOf(n, stamp) {
  return {
    specificationVersion: 'v1',
    provider: 'bench',
    modelId: 'bench',
    async *stream() {
      const part = { type: 'text-delta', text: 'x' };
      for (let i = 0; i < n; i += 1) {
        if (i === 0 && stamp) stamp.first = performance.now();
        yield part;
      }
      yield { type: 'finish', finishReason: 'stop' };
    },
  };
}

// 1. Throughput: raw generator vs. through the agent loop and the event bus.
async function rawThroughput(n) {
  const t0 = performance.now();
  let count = 0;
  for await (const part of modelOf(n).stream()) if (part.type === 'text-delta') count += 1;
  return { count, ms: performance.now() - t0 };
}

async function busThroughput(n) {
  const runtime = new BaseRuntime({ store: new MemorySessionStore(), model: modelOf(n) });
  const session = await runtime.createSession();
  const sub = runtime.stream({ sessionId: session.id });
  let count = 0;
  const consumer = (async () => {
    for await (const e of sub) if (e.type === 'llm.text-delta') count += 1;
  })();
  const t0 = performance.now();
  await runtime.process({ sessionId: session.id, input: 'go' });
  sub.close();
  await consumer;
  const ms = performance.now() - t0;
  await runtime.close();
  return { count, ms };
}

async function bareBus(n) {
  const bus = new EventBus();
  const sub = bus.subscribe({ sessionId: 's' });
  let count = 0;
  const consumer = (async () => {
    for await (const _ of sub) count += 1;
  })();
  const event = { type: 'llm.text-delta', sessionId: 's', seq: 0, time: 0, step: 1, text: 'x' };
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1) {
    const wait = bus.publish(event);
    if (wait) await wait;
  }
  sub.close();
  await consumer;
  return { count, ms: performance.now() - t0 };
}

await rawThroughput(100_000);
await busThroughput(100_000);
const raw = await rawThroughput(chunks);
const bus = await bareBus(chunks);
const loop = await busThroughput(chunks);
if (loop.count !== chunks) throw new Error(`lost chunks: ${loop.count} of ${chunks}`);
const rate = (r) => (r.count / r.ms) * 1000;
report(`Streaming throughput (${chunks} chunks; target ≥ 1,000,000 chunks/s through the bus)`, {
  'raw async generator (baseline)': `${fmt(rate(raw) / 1e6, 2)} M chunks/s`,
  'event bus alone (publish → subscriber)': `${fmt(rate(bus) / 1e6, 2)} M chunks/s  (${fmt(rate(bus) / rate(raw), 2)}× raw)`,
  'model → agent loop → bus → subscriber': `${fmt(rate(loop) / 1e6, 2)} M chunks/s  (${fmt(rate(loop) / rate(raw), 2)}× raw)`,
});

// 2. Added time to first token: model's first yield → subscriber, vs. raw first part.
const rawTtft = [];
const busTtft = [];
const runtime = new BaseRuntime({
  store: new MemorySessionStore(),
  model: { specificationVersion: 'v1', provider: 'b', modelId: 'b', stream: (...a) => current.stream(...a) },
});
let current;
for (let i = 0; i < 1000; i += 1) {
  const stamp = {};
  current = modelOf(3, stamp);
  const t0 = performance.now();
  for await (const _part of modelOf(3, stamp).stream()) {
    rawTtft.push(performance.now() - stamp.first);
    break;
  }
  void t0;
  const session = await runtime.createSession();
  const sub = runtime.stream({ sessionId: session.id });
  const got = (async () => {
    for await (const e of sub) {
      if (e.type === 'llm.text-delta') {
        busTtft.push(performance.now() - stamp.first);
        break;
      }
    }
  })();
  await runtime.process({ sessionId: session.id, input: 'go' });
  await got;
}
const r = summarize(rawTtft);
const b = summarize(busTtft);
report('Added time to first token (1000 turns; target < 1 ms added)', {
  'raw stream: first yield → consumer': `median ${fmt(r.median * 1000, 1)} µs  p95 ${fmt(r.p95 * 1000, 1)} µs`,
  'through loop + bus: first yield → subscriber': `median ${fmt(b.median * 1000, 1)} µs  p95 ${fmt(b.p95 * 1000, 1)} µs`,
  'added (median)': `${fmt((b.median - r.median) * 1000, 1)} µs`,
});
await runtime.close();

// 3. Memory with a consumer 100× slower than the producer: the bounded bus keeps it flat.
{
  const n = 20_000;
  const slowRuntime = new BaseRuntime({ store: new MemorySessionStore(), model: modelOf(n) });
  const session = await slowRuntime.createSession();
  const sub = slowRuntime.stream({ sessionId: session.id });
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  let seen = 0;
  const consumer = (async () => {
    for await (const e of sub) {
      if (e.type !== 'llm.text-delta') continue;
      seen += 1;
      // ~100× the producer's per-chunk cost (the producer manages ~1 µs per chunk).
      const until = performance.now() + 0.1;
      while (performance.now() < until);
      if (seen % 500 === 0) {
        await new Promise((r) => setImmediate(r));
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
  })();
  const t0 = performance.now();
  await slowRuntime.process({ sessionId: session.id, input: 'go' });
  const producerMs = performance.now() - t0;
  sub.close();
  await consumer;
  gc();
  const after = process.memoryUsage().heapUsed;
  report(`Slow consumer (${n} chunks, consumer ~100 µs per chunk)`, {
    'producer time (paced by the consumer)': `${fmt(producerMs, 0)} ms (≥ ${fmt(n * 0.1, 0)} ms means backpressure held)`,
    'peak heap growth during the stream': `${fmt((peak - before) / 1024 / 1024, 2)} MiB`,
    'heap growth after': `${fmt((after - before) / 1024 / 1024, 2)} MiB`,
    'chunks received': `${seen} of ${n}`,
  });
  await slowRuntime.close();
}
