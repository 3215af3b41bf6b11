import { afterEach, describe, expect, it } from 'vitest';
import { keyedConfig, keys, startHarness, type ServerHarness } from './helpers/server-harness.js';

let h: ServerHarness;
afterEach(async () => h?.close());

interface ErrorJson {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
const errorOf = async (res: Response): Promise<ErrorJson['error']> => ((await res.json()) as ErrorJson).error;

async function keyed(extra = {}): Promise<ServerHarness> {
  const { config, auth } = await keyedConfig(extra);
  return startHarness({ config, auth });
}

describe('sessions API, local mode', () => {
  it('creates, gets, lists and deletes a session as principal local', async () => {
    h = await startHarness();
    const created = await h.call('/v1/sessions', { method: 'POST', json: { system: 'be brief', metadata: { tag: 'x' } } });
    expect(created.status).toBe(201);
    const session = (await created.json()) as { id: string; owner: string; state: string; messages: unknown[]; metadata: unknown };
    expect(session).toMatchObject({ owner: 'local', state: 'idle', messages: [{ role: 'system', content: 'be brief' }], metadata: { tag: 'x' } });

    const got = await h.call(`/v1/sessions/${session.id}`);
    expect(got.status).toBe(200);
    expect(((await got.json()) as { id: string }).id).toBe(session.id);

    const list = (await (await h.call('/v1/sessions?limit=10&offset=0')).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((s) => s.id)).toEqual([session.id]);

    expect((await h.call(`/v1/sessions/${session.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await h.call(`/v1/sessions/${session.id}`);
    expect(gone.status).toBe(404);
    expect((await errorOf(gone)).code).toBe('SESSION_NOT_FOUND');
  });

  it('accepts an empty body on create', async () => {
    h = await startHarness();
    expect((await h.call('/v1/sessions', { method: 'POST' })).status).toBe(201);
  });

  it('runs a turn and answers with JSON: the session and the final text', async () => {
    h = await startHarness();
    h.llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '17 * 23' } }] }, { type: 'text', text: '17 * 23 = 391.' });
    const { id } = (await (await h.call('/v1/sessions', { method: 'POST', json: {} })).json()) as { id: string };
    const res = await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'What is 17 * 23?' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { text: string; session: { state: string; usage: { toolCalls: number }; messages: Array<{ role: string }> } };
    expect(body.text).toBe('17 * 23 = 391.');
    expect(body.session.state).toBe('completed');
    expect(body.session.usage.toolCalls).toBe(1);
    expect(body.session.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });

  it('GET serves the session as it is now: a new turn shows at once, with an exact Content-Length', async () => {
    h = await startHarness();
    const { id } = (await (await h.call('/v1/sessions', { method: 'POST', json: {} })).json()) as { id: string };
    const get = async () => {
      const res = await h!.call(`/v1/sessions/${id}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(Number(res.headers.get('content-length'))).toBe(bytes.byteLength);
      return JSON.parse(new TextDecoder().decode(bytes)) as { lastSeq: number; messages: Array<{ content: string }> };
    };
    const before = await get();
    expect(await get()).toEqual(before);
    h.llm.enqueue({ type: 'text', text: 'héllo ✓' });
    expect((await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'hi' } })).status).toBe(200);
    const after = await get();
    expect(after.lastSeq).toBeGreaterThan(before.lastSeq);
    expect(after.messages.at(-1)?.content).toBe('héllo ✓');
    expect((await h.call(`/v1/sessions/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await h.call(`/v1/sessions/${id}`)).status).toBe(404);
  });

  it('maps an LLM failure to 502 with the LLM error code, and records the turn as failed', async () => {
    h = await startHarness();
    h.llm.enqueue({ type: 'error', status: 401, message: 'bad key' });
    const { id } = (await (await h.call('/v1/sessions', { method: 'POST' })).json()) as { id: string };
    const res = await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'hi' } });
    expect(res.status).toBe(502);
    expect((await errorOf(res)).code).toBe('LLM_HTTP');
    expect(((await (await h.call(`/v1/sessions/${id}`)).json()) as { state: string }).state).toBe('failed');
  });

  it('rejects invalid input with 400 naming the field', async () => {
    h = await startHarness();
    const { id } = (await (await h.call('/v1/sessions', { method: 'POST' })).json()) as { id: string };
    const cases: Array<[string, RequestInit & { json?: unknown }, string]> = [
      [`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 42 } }, 'body.input'],
      [`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: '   ' } }, 'body.input'],
      [`/v1/sessions/${id}/messages`, { method: 'POST', json: {} }, 'body.input'],
      [`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'x', extra: 1 } }, 'body'],
      [`/v1/sessions/${id}/messages`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } }, 'body'],
      ['/v1/sessions', { method: 'POST', json: { metadata: 'nope' } }, 'body.metadata'],
      ['/v1/sessions', { method: 'POST', json: { system: 7 } }, 'body.system'],
      ['/v1/sessions?limit=0', {}, 'query.limit'],
      ['/v1/sessions?limit=abc', {}, 'query.limit'],
      ['/v1/sessions?offset=-1', {}, 'query.offset'],
      [`/v1/sessions/${id}/approvals/c1`, { method: 'POST', json: { approved: 'yes' } }, 'body.approved'],
      [`/v1/sessions/${id}/events?after=x`, { headers: { accept: 'application/json' } }, 'query.after'],
      [`/v1/sessions/${id}/events`, { headers: { accept: 'application/json', 'last-event-id': 'abc' } }, 'headers.last-event-id'],
      ['/v1/sessions/bad%20id', {}, 'params.id'],
    ];
    for (const [path, init, field] of cases) {
      const res = await h.call(path, init);
      expect(res.status, `${path} ${JSON.stringify(init)}`).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message.startsWith(field), `${error.message} should name ${field}`).toBe(true);
    }
  });

  it('answers 409 when a turn is already running, 404 for an unknown route, and 413 for a large body', async () => {
    h = await startHarness({ config: { bodyLimitBytes: 1000 } });
    h.llm.enqueue({ type: 'text', text: 'slow', delayMs: 300 });
    const { id } = (await (await h.call('/v1/sessions', { method: 'POST' })).json()) as { id: string };
    const first = h.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'one' } });
    await new Promise((r) => setTimeout(r, 50));
    const second = await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'two' } });
    expect(second.status).toBe(409);
    expect((await errorOf(second)).code).toBe('SESSION_BUSY');
    const busyDelete = await h.call(`/v1/sessions/${id}`, { method: 'DELETE' });
    expect(busyDelete.status).toBe(409);
    expect((await first).status).toBe(200);

    const missing = await h.call('/v1/nothing');
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('NOT_FOUND');

    const big = await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { input: 'x'.repeat(2000) } });
    expect(big.status).toBe(413);
    expect((await errorOf(big)).code).toBe('PAYLOAD_TOO_LARGE');
    // Without Content-Length (a streamed body) the limit still holds.
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"input":"${'y'.repeat(3000)}"}`));
        controller.close();
      },
    });
    const chunked = await h.call(`/v1/sessions/${id}/messages`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { 'content-type': 'application/json' },
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });
});

describe('sessions API, API keys and RBAC', () => {
  it('401 without a key or with a wrong key, in both header styles', async () => {
    h = await keyed();
    const none = await h.call('/v1/sessions');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await errorOf(none)).code).toBe('UNAUTHENTICATED');
    expect((await h.call('/v1/sessions', { key: 'key-wrong' })).status).toBe(401);
    expect((await h.call('/v1/sessions', { headers: { 'x-api-key': 'key-wrong' } })).status).toBe(401);
    expect((await h.call('/v1/sessions', { headers: { 'x-api-key': keys.alice } })).status).toBe(200);
    expect((await h.call('/v1/sessions', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it("hides another principal's session (404, same as missing) and lists only own sessions", async () => {
    h = await keyed();
    const alice = (await (await h.call('/v1/sessions', { method: 'POST', key: keys.alice })).json()) as { id: string; owner: string };
    expect(alice.owner).toBe('alice');
    const bobs = (await (await h.call('/v1/sessions', { method: 'POST', key: keys.bob })).json()) as { id: string };

    for (const [path, method, json] of [
      [`/v1/sessions/${alice.id}`, 'GET', undefined],
      [`/v1/sessions/${alice.id}`, 'DELETE', undefined],
      [`/v1/sessions/${alice.id}/messages`, 'POST', { input: 'hi' }],
      [`/v1/sessions/${alice.id}/events`, 'GET', undefined],
      [`/v1/sessions/${alice.id}/cancel`, 'POST', undefined],
      [`/v1/sessions/${alice.id}/approvals/c1`, 'POST', { approved: true }],
    ] as const) {
      const res = await h.call(path, { method, key: keys.bob, ...(json ? { json } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
      const missing = await h.call(path.replace(alice.id, 'no-such-session'), { method, key: keys.bob, ...(json ? { json } : {}) });
      expect(await errorOf(res)).toEqual({ ...(await errorOf(missing)), message: expect.stringContaining('no session with id') });
    }
    const bobList = (await (await h.call('/v1/sessions', { key: keys.bob })).json()) as { data: Array<{ id: string }> };
    expect(bobList.data.map((s) => s.id)).toEqual([bobs.id]);
    // An admin holds session:read:any: sees and reads everything.
    const all = (await (await h.call('/v1/sessions', { key: keys.admin })).json()) as { data: Array<{ id: string }> };
    expect(all.data.map((s) => s.id).sort()).toEqual([alice.id, bobs.id].sort());
    expect((await h.call(`/v1/sessions/${alice.id}`, { key: keys.admin })).status).toBe(200);
  });

  it('403 when the role lacks the permission', async () => {
    h = await keyed();
    const res = await h.call('/v1/sessions', { method: 'POST', key: keys.reader });
    expect(res.status).toBe(403);
    const error = await errorOf(res);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('session:write:own');
    expect((await h.call('/v1/sessions', { key: keys.reader })).status).toBe(200);
  });

  it('authorizes tool calls in turns with the caller principal', async () => {
    const { config, auth } = await keyedConfig();
    h = await startHarness({
      config,
      auth: {
        ...auth,
        roles: { ...auth?.roles, nocalc: { allow: ['session:*:own', 'tool:invoke:*'], deny: ['tool:invoke:calculator'] } },
        principals: { ...auth?.principals, bob: { roles: ['nocalc'] } },
      },
    });
    h.llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '1+1' } }] }, { type: 'text', text: 'denied' });
    const { id } = (await (await h.call('/v1/sessions', { method: 'POST', key: keys.bob })).json()) as { id: string };
    const turn = await h.call(`/v1/sessions/${id}/messages`, { method: 'POST', key: keys.bob, json: { input: 'calc' } });
    expect(turn.status).toBe(200);
    const events = (await (await h.call(`/v1/sessions/${id}/events`, { key: keys.bob, headers: { accept: 'application/json' } })).json()) as {
      data: Array<{ type: string; permission?: string; principal?: string; ok?: boolean; error?: { code: string } }>;
    };
    expect(events.data.find((e) => e.type === 'auth.denied')).toMatchObject({ principal: 'bob', permission: 'tool:invoke:calculator' });
    expect(events.data.find((e) => e.type === 'tool.completed')).toMatchObject({ ok: false, error: { code: 'TOOL_DENIED' } });
  });

  it('429 with Retry-After past the per-key rate, while other keys go on', async () => {
    let now = 1_000_000;
    const { config, auth } = await keyedConfig({ rateLimit: { requestsPerMinute: 3 } });
    h = await startHarness({ config, auth, clock: { now: () => now } });
    for (let i = 0; i < 3; i++) expect((await h.call('/v1/sessions', { key: keys.alice })).status).toBe(200);
    const limited = await h.call('/v1/sessions', { key: keys.alice });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('20');
    expect((await errorOf(limited)).code).toBe('RATE_LIMITED');
    expect((await h.call('/v1/sessions', { key: keys.bob })).status).toBe(200);
    now += 20_000;
    expect((await h.call('/v1/sessions', { key: keys.alice })).status).toBe(200);
  });

  it('rate-limits failed authentications, without slowing valid keys', async () => {
    const { config, auth } = await keyedConfig({ rateLimit: { requestsPerMinute: 3 } });
    h = await startHarness({ config, auth });
    for (let i = 0; i < 3; i++) expect((await h.call('/v1/sessions', { key: `guess-${i}` })).status).toBe(401);
    const limited = await h.call('/v1/sessions', { key: 'guess-4' });
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await h.call('/v1/sessions', { key: keys.alice })).status).toBe(200);
  });

  it('refuses to start when a key names an unknown principal', async () => {
    const { config } = await keyedConfig();
    await expect(startHarness({ config, auth: {} })).rejects.toThrow(/server\.apiKeys\.0\.principal: unknown principal "alice"/);
  });
});
