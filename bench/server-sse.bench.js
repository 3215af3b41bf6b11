/**
 * 1,000 concurrent SSE session streams held open while turns run: each stream is
 * `GET /v1/sessions/:id/events` on its own session; a driver keeps turns running so events
 * flow on every stream. Delivery delay = client receipt time − the event's `time` (set when
 * it was recorded), so it covers store write, bus, SSE encoding, socket and client parsing.
 * The server runs in a child process so its RSS is its own (the scripted LLM in another), with
 * --expose-gc so the bench can also say how much of its peak was garbage.
 * Targets: p99 < 50 ms, RSS < 300 MB.
 */
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { fmt, gc, report, summarize } from './stats.js';

const streams = Number(process.env.BENCH_STREAMS ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrentTurns = Number(process.env.BENCH_TURNS ?? 20);
// Streams are spread over this many sessions (default one each); fewer sessions means each
// event fans out to several streams, which share its encoded bytes.
const sessions = Math.min(streams, Number(process.env.BENCH_SESSIONS ?? streams));

if (process.argv[2] === 'llm') {
  const { startScriptedLlmServer } = await import('../dist/node/testing/index.js');
  // The LLM streams 10 deltas 5 ms apart: a turn is ~9 stored + 10 transient events.
  const llm = await startScriptedLlmServer({
    recordRequests: false,
    fallback: { type: 'text', text: 'streaming to a thousand listeners', chunks: 10, chunkDelayMs: 5 },
  });
  process.send({ url: llm.url });
  process.on('message', async () => {
    await llm.close();
    process.exit(0);
  });
} else if (process.argv[2] === 'serve') {
  const { configSchema } = await import('../dist/config/config-schema.js');
  const { startServer } = await import('../dist/node/server/start-server.js');
  const config = configSchema.parse({
    llm: { baseUrl: process.argv[3], model: 'm' },
    store: { kind: 'memory' },
    server: { rateLimit: { requestsPerMinute: 1e9 } },
  });
  const running = await startServer({ config, port: 0 });
  // The peak is sampled as is (garbage included: that is what the machine must hold); the
  // breakdown at the peak and the figures after a forced GC say how much of it was garbage.
  let peak = process.memoryUsage();
  setInterval(() => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) peak = now;
  }, 50).unref();
  process.send({ url: running.url });
  process.on('message', async (message) => {
    if (message === 'rss' || message === 'rss-gc') {
      const rss = process.memoryUsage().rss;
      if (message === 'rss-gc') gc();
      return process.send({ peak, rss, afterGc: process.memoryUsage(), openStreams: running.app.openStreams });
    }
    await running.close({ timeoutMs: 100 });
    process.exit(0);
  });
} else {
  const self = fileURLToPath(import.meta.url);
  const llm = fork(self, ['llm'], { stdio: 'inherit' });
  const llmUrl = (await new Promise((resolve) => llm.once('message', resolve))).url;
  const child = fork(self, ['serve', llmUrl], { stdio: 'inherit', execArgv: ['--expose-gc'] });
  const { url } = await new Promise((resolve) => child.once('message', resolve));
  const ask = (message = 'rss') =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send(message);
    });
  const post = async (path, body) =>
    (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();

  const ids = [];
  for (let i = 0; i < sessions; i += 1) ids.push((await post('/v1/sessions', {})).id);

  const delays = [];
  let received = 0;
  let measuring = false;
  const sockets = [];
  const open = (id) =>
    new Promise((resolve, reject) => {
      const req = request(`${url}/v1/sessions/${id}/events`, { headers: { accept: 'text/event-stream' } }, (res) => {
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk) => {
          const now = Date.now();
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const at = block.indexOf('"time":');
            if (at < 0) continue;
            received += 1;
            if (measuring) delays.push(now - Number.parseInt(block.slice(at + 7), 10));
          }
        });
        resolve();
      });
      req.on('error', reject);
      sockets.push(req);
      req.end();
    });
  const targets = Array.from({ length: streams }, (_, i) => ids[i % sessions]);
  for (let i = 0; i < targets.length; i += 100) await Promise.all(targets.slice(i, i + 100).map(open));
  const afterOpen = await ask('rss-gc');

  // Drive turns round-robin over the sessions, `concurrentTurns` at a time.
  let next = 0;
  let turns = 0;
  let stop = false;
  const driver = async () => {
    while (!stop) {
      const id = ids[next++ % ids.length];
      await post(`/v1/sessions/${id}/messages`, { input: 'go' });
      turns += 1;
    }
  };
  const drivers = Array.from({ length: concurrentTurns }, driver);
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(drivers);
  const { peak, openStreams } = await ask();
  const end = await ask('rss-gc');
  const s = summarize(delays);
  const mb = (bytes) => fmt(bytes / 2 ** 20, 0);
  report(
    `SSE fan-out (${streams} streams held open${sessions < streams ? ` on ${sessions} sessions` : ''}, ${concurrentTurns} turns at a time, ${seconds} s; targets: p99 < 50 ms, RSS < 300 MB)`,
    {
      'streams open on the server': `${afterOpen.openStreams} after connect, ${openStreams} at the end`,
      'events delivered (measured window)': `${delays.length} (${fmt(delays.length / elapsed, 0)} events/s, ${turns} turns in all)`,
      'delivery delay': `p50 ${fmt(s.median, 0)} ms  p95 ${fmt(s.p95, 0)} ms  p99 ${fmt(s.p99, 0)} ms`,
      'server RSS': `${mb(afterOpen.rss)} MB with streams idle, peak ${mb(peak.rss)} MB`,
      'server heap at the peak': `${mb(peak.heapUsed)} MB used of ${mb(peak.heapTotal)} MB, external ${mb(peak.external)} MB`,
      'after a forced GC': `idle: RSS ${mb(afterOpen.afterGc.rss)} MB, heap ${mb(afterOpen.afterGc.heapUsed)} MB; end: RSS ${mb(end.afterGc.rss)} MB, heap ${mb(end.afterGc.heapUsed)} MB`,
    },
  );
  for (const req of sockets) req.destroy();
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
  llm.send('stop');
  await new Promise((resolve) => llm.once('exit', resolve));
  if (received === 0) process.exitCode = 1;
}
