/**
 * HTTP service throughput: `GET /v1/sessions/:id` on the agentbox service (memory store and
 * the default SQLite store) beside a bare Hono hello-world on @hono/node-server, measured by
 * autocannon in the same run. The servers run in a child process so the load generator does
 * not share their event loop. Target: ≥ 0.5× the bare requests/s.
 *
 * BENCH_BASELINE=<another checkout, built> adds that build's servers to the same run (rows
 * marked "baseline"), for before/after figures measured side by side.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, report } from './stats.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const baselineDist = process.env.BENCH_BASELINE ? join(process.env.BENCH_BASELINE, 'dist') : undefined;

if (process.argv[2] === 'serve') {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const { configSchema } = await import('../dist/config/config-schema.js');
  const { startScriptedLlmServer } = await import('../dist/node/testing/index.js');
  const builds = [['', (await import('../dist/node/server/start-server.js')).startServer]];
  if (baselineDist) builds.push([' (baseline)', (await import(pathToFileURL(join(baselineDist, 'node/server/start-server.js')).href)).startServer]);

  const bare = new Hono().get('/hello', (c) => c.text('Hello Hono!'));
  const bareServer = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => bareServer.once('listening', resolve));

  const llm = await startScriptedLlmServer({
    recordRequests: false,
    fallback: (request) =>
      request.body.messages?.at(-1)?.role === 'tool'
        ? { type: 'text', text: 'The answer is 391.', chunks: 4 }
        : { type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '17 * 23' } }] },
  });
  const dir = mkdtempSync(join(tmpdir(), 'agentbox-bench-http-'));
  const targets = { bare: { url: `http://127.0.0.1:${bareServer.address().port}/hello` } };
  const servers = [];
  // A deployment off loopback must have API keys: one variant pays for checking one per request.
  const key = 'bench-api-key';
  const keyed = {
    server: { apiKeys: [{ sha256: createHash('sha256').update(key).digest('hex'), principal: 'bench' }] },
    auth: { principals: { bench: { roles: ['user'] } } },
  };
  const variants = builds.flatMap(([build, startServer], i) => [
    { name: `memory${build}`, startServer, store: { kind: 'memory' } },
    { name: `memory, API key${build}`, startServer, store: { kind: 'memory' }, keyed: true },
    { name: `sqlite${build}`, startServer, store: { kind: 'sqlite', path: join(dir, `bench-${i}.db`) } },
  ]);
  for (const { name, startServer, store, keyed: withKey } of variants) {
    const config = configSchema.parse({
      llm: { baseUrl: llm.url, model: 'm' },
      store,
      ...(withKey ? { auth: keyed.auth } : {}),
      server: { rateLimit: { requestsPerMinute: 1e9 }, ...(withKey ? keyed.server : {}) },
    });
    const running = await startServer({ config, port: 0 });
    servers.push(running);
    const headers = withKey ? { authorization: `Bearer ${key}` } : {};
    // A realistic session: one finished turn with a tool call (~16 stored events).
    const post = (path, body) => fetch(`${running.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    const { id } = await (await post('/v1/sessions', '{"system":"You are terse."}')).json();
    const done = await post(`/v1/sessions/${id}/messages`, '{"input":"What is 17 * 23?"}');
    if (done.status !== 200) throw new Error(`turn failed: ${await done.text()}`);
    targets[name] = { url: `${running.url}/v1/sessions/${id}`, headers };
  }
  // A second baseline: bare Hono sending the same session JSON, so response size is equal.
  const sessionJson = await (await fetch(targets.memory.url)).json();
  bare.get('/session', (c) => c.json(sessionJson));
  targets.bareJson = { url: targets.bare.url.replace(/\/hello$/, '/session') };
  process.send({ targets });
  process.on('message', async () => {
    for (const s of servers) await s.close({ timeoutMs: 100 });
    bareServer.close();
    await llm.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
} else {
  const autocannon = (await import('autocannon')).default;
  const child = fork(fileURLToPath(import.meta.url), ['serve'], { stdio: 'inherit' });
  const { targets } = await new Promise((resolve) => child.once('message', resolve));
  const run = ({ url, headers }, duration = seconds) => autocannon({ url, headers, connections, duration, pipelining: 1 });
  // Warm-up, then the measured runs, alternating.
  for (const target of Object.values(targets)) await run(target, 2);
  // Rows in this order: the two baselines first.
  const names = ['bare', 'bareJson', ...Object.keys(targets).filter((name) => !name.startsWith('bare'))];
  const results = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < 2; round += 1) for (const name of names) results[name].push(await run(targets[name]));
  const best = (rs) => rs.reduce((a, b) => (a.requests.average >= b.requests.average ? a : b));
  const bare = best(results.bare);
  const rows = {};
  for (const [name, rs] of Object.entries(results)) {
    const r = best(rs);
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    const label =
      name === 'bare'
        ? 'bare Hono hello-world (baseline)'
        : name === 'bareJson'
          ? 'bare Hono, same session JSON body'
          : `agentbox, ${name.replace(/^(\w+)/, '$1 store')}`;
    rows[label] =
      `${fmt(r.requests.average, 0)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  ratio ${fmt(r.requests.average / bare.requests.average, 2)}×`;
  }
  report(`HTTP service: GET /v1/sessions/:id against bare Hono (${connections} connections, ${seconds} s per run, best of 2; target ≥ 0.5× bare req/s)`, rows);
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
}
