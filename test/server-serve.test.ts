import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { isLoopbackHost, startServer } from '../src/node/server/start-server.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { isolatedEnv, runCli, startCli } from './helpers/run-cli.js';
import { collectSse, readSse } from './helpers/server-harness.js';

let llm: ScriptedLlmServer;
beforeAll(async () => {
  llm = await startScriptedLlmServer();
});
afterAll(() => llm.close());

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('startServer (a real socket)', () => {
  it('serves the API over HTTP, streams SSE, and resumes with Last-Event-ID', async () => {
    const config = configSchema.parse({ llm: { baseUrl: llm.url, model: 'm', maxRetries: 0 }, store: { kind: 'memory' } });
    const running = await startServer({ config, port: 0 });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      const { id } = (await (await fetch(`${running.url}/v1/sessions`, json({}))).json()) as { id: string };
      llm.enqueue({ type: 'text', text: 'over the wire', chunks: 3 });
      const turn = await fetch(`${running.url}/v1/sessions/${id}/messages`, {
        ...json({ input: 'hi' }),
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      });
      const messages = await collectSse(turn);
      expect(
        messages
          .filter((m) => m.event === 'llm.text-delta')
          .map((m) => (JSON.parse(m.data) as { text: string }).text)
          .join(''),
      ).toBe('over the wire');
      const ids = messages.filter((m) => m.id).map((m) => Number(m.id));
      // Reconnect after the 3rd stored event: the rest, exactly.
      const resumed = await fetch(`${running.url}/v1/sessions/${id}/events`, { headers: { accept: 'text/event-stream', 'last-event-id': String(ids[2]) } });
      const again: number[] = [];
      for await (const m of readSse(resumed)) {
        if (m.id) again.push(Number(m.id));
        if (again.at(-1) === ids.at(-1)) break;
      }
      expect(again).toEqual(ids.slice(3));
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toContain('agentbox_llm_calls_total{model="m",outcome="ok"} 1');
    } finally {
      await running.close({ timeoutMs: 1000 });
    }
  });

  it('with API keys: a valid key gets in (hashed by node:crypto), a wrong or missing one gets 401', async () => {
    const { sha256Hex } = await import('../src/node/server/sha256-hex.js');
    const config = configSchema.parse({
      llm: { baseUrl: llm.url, model: 'm', maxRetries: 0 },
      store: { kind: 'memory' },
      server: { apiKeys: [{ sha256: sha256Hex('clé-secrète'), principal: 'ci' }] },
      // /metrics needs metrics:read, which the built-in `user` role does not hold.
      auth: { roles: { scraper: { allow: ['metrics:read'] } }, principals: { ci: { roles: ['user', 'scraper'] } } },
    });
    const running = await startServer({ config, port: 0 });
    try {
      const auth = (key: string): RequestInit => ({ headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
      const created = await fetch(`${running.url}/v1/sessions`, { ...auth('clé-secrète'), method: 'POST', body: '{}' });
      expect(created.status).toBe(201);
      const { id, owner } = (await created.json()) as { id: string; owner: string };
      expect(owner).toBe('ci');
      expect((await fetch(`${running.url}/v1/sessions/${id}`, auth('clé-secrète'))).status).toBe(200);
      expect((await fetch(`${running.url}/v1/sessions/${id}`, { headers: { 'x-api-key': 'clé-secrète' } })).status).toBe(200);
      expect((await fetch(`${running.url}/v1/sessions/${id}`, auth('clé-secrètE'))).status).toBe(401);
      expect((await fetch(`${running.url}/v1/sessions/${id}`)).status).toBe(401);
      expect((await fetch(`${running.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${running.url}/metrics`, auth('clé-secrète'))).status).toBe(200);
    } finally {
      await running.close({ timeoutMs: 1000 });
    }
  });

  it('refuses a non-loopback host in local mode, with a clear error', async () => {
    const config = configSchema.parse({ store: { kind: 'memory' } });
    await expect(startServer({ config, host: '0.0.0.0', port: 0 })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without API keys/);
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});

function serveChild(
  env: Record<string, string>,
  extra: string[] = [],
): { child: ChildProcess; url: Promise<string>; stderr: () => string; exit: Promise<number | null> } {
  const child = startCli(['serve', '--port', '0', ...extra], { env });
  let stderr = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url, stderr: () => stderr, exit };
}

async function startTurn(url: string): Promise<{ id: string; stream: AsyncGenerator<{ event?: string }> }> {
  const { id } = (await (await fetch(`${url}/v1/sessions`, json({}))).json()) as { id: string };
  const res = await fetch(`${url}/v1/sessions/${id}/messages`, {
    ...json({ input: 'take your time' }),
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
  });
  const stream = readSse(res);
  // next() by hand: a for-await `break` would close the stream.
  for (let r = await stream.next(); !r.done && r.value.event !== 'llm.started'; r = await stream.next());
  return { id, stream }; // the turn is in flight
}

async function stored(
  env: Record<string, string>,
  id: string,
): Promise<{ session: { state: string; messages: Array<{ role: string; content: string }> }; events: Array<{ type: string; seq: number }> }> {
  const shown = await runCli(['session', 'show', id, '--json'], { env });
  expect(shown.code, shown.stderr).toBe(0);
  return JSON.parse(shown.stdout) as never;
}

describe('agentbox serve (a child process)', () => {
  it('on SIGTERM lets the running turn finish, records it whole, and exits 0', async () => {
    const env = isolatedEnv({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-x', AGENTBOX_MODEL: 'm' });
    llm.enqueue({ type: 'text', text: 'a slow but complete answer', chunks: 8, chunkDelayMs: 100 });
    const serve = serveChild(env);
    const url = await serve.url;
    const { id, stream } = await startTurn(url);
    serve.child.kill('SIGTERM');
    // The client still gets the rest of its turn.
    const rest: string[] = [];
    for await (const m of stream) rest.push(m.event ?? '');
    expect(rest).toContain('turn.completed');
    expect(await serve.exit).toBe(0);
    expect(serve.stderr()).toContain('1 turn(s) finished, 0 cancelled');
    const { session, events } = await stored(env, id);
    expect(session.state).toBe('completed');
    expect(session.messages.at(-1)).toEqual({ role: 'assistant', content: 'a slow but complete answer' });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('cancels a turn that outlives the shutdown timeout, records it cancelled, and exits 0', async () => {
    const env = isolatedEnv({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-x', AGENTBOX_MODEL: 'm' });
    llm.enqueue({ type: 'text', text: 'too late', delayMs: 10_000 });
    const serve = serveChild(env, ['--shutdown-timeout', '200']);
    const url = await serve.url;
    const { id } = await startTurn(url);
    const started = Date.now();
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(serve.stderr()).toContain('0 turn(s) finished, 1 cancelled');
    const { session, events } = await stored(env, id);
    expect(session.state).toBe('cancelled');
    expect(events.some((e) => e.type === 'turn.cancelled')).toBe(true);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });
});
