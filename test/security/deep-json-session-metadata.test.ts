/**
 * Attacker: an API client (in local mode: anything that passes the Host/Origin checks).
 * `POST /v1/sessions` with `metadata` nested 1,000 levels deep answered 500
 * `STORE_FAILED … <path>/store.db: append failed: CHECK constraint failed: json_valid(data)`
 * — an internal path and the store's schema for the asking — and at 5,000 levels
 * "Maximum call stack size exceeded". Either way a request body could make the service
 * fail instead of refusing the request.
 *
 * Fixed in src/server/parse-input.ts: every JSON body nested deeper than 64 levels is a 400
 * INVALID_INPUT naming the field, before validation or the store recurse into it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { startServer, type RunningServer } from '../../src/node/server/start-server.js';

let running: RunningServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentbox-deep-json-'));
  const config = configSchema.parse({
    llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0 },
    store: { kind: 'sqlite', path: join(dir, 'store.db') },
  });
  running = await startServer({ config, port: 0 });
});

afterAll(async () => {
  await running?.close({ timeoutMs: 1000 });
});

const nested = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

const post = (path: string, body: string): Promise<Response> =>
  fetch(`${running.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('a request body nested thousands of levels deep', () => {
  for (const levels of [1_000, 5_000, 100_000]) {
    it(`is a 400 naming the field at ${levels} levels, with nothing internal in it`, async () => {
      const res = await post('/v1/sessions', `{"metadata":${nested(levels)}}`);
      const text = await res.text();
      expect(res.status).toBe(400);
      const { error } = JSON.parse(text) as { error: { code: string; message: string; details: { issues: Array<{ path: string }> } } };
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toBe('body.metadata: nested more than 64 levels deep');
      expect(error.details.issues[0]?.path).toBe('body.metadata');
      for (const leak of [dir, 'store.db', 'json_valid', 'call stack']) expect(text).not.toContain(leak);
    });
  }

  it('is refused on the other JSON routes too; 64 levels are accepted', async () => {
    const { id } = (await (await post('/v1/sessions', '{}')).json()) as { id: string };
    const deepMessage = `{"model":"m","messages":[{"role":"user","content":"hi","x":${nested(100)}}]}`;
    expect((await post('/v1/chat/completions', deepMessage)).status).toBe(400);
    expect((await post(`/v1/sessions/${id}/messages`, `{"input":"hi","x":${nested(100)}}`)).status).toBe(400);
    expect((await post(`/v1/sessions/${id}/approvals/c1`, `{"approved":true,"x":${nested(100)}}`)).status).toBe(400);
    // The body is level 1, metadata's object level 2: 63 nested objects reach exactly 64.
    const ok = await post('/v1/sessions', `{"metadata":${nested(63)}}`);
    expect(ok.status).toBe(201);
    expect((await post('/v1/sessions', `{"metadata":${nested(64)}}`)).status).toBe(400);
  });
});
