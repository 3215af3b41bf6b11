/**
 * Errors on the OpenAI-compatible routes, as the official `openai` SDK sees them over a real
 * `agentbox serve` socket: the error class it picks (from the status), and `type`, `param`,
 * `code` it reads from the body, which must be OpenAI's `ErrorResponse` — for refusals the
 * request guard makes before the route runs (401, 413, 415, 429, 403, unmatched paths) as
 * much as for the route's own (400, 404, 502) and for the error inside an SSE stream.
 * agentbox's own routes keep agentbox's shape.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { sha256Hex } from '../src/node/server/sha256-hex.js';
import { startServer, type RunningServer } from '../src/node/server/start-server.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { expectValid, openAiValidator } from './helpers/openai-spec.js';

const MODEL = 'agentbox-test-model';
const KEY = 'a-key-of-sixteen-characters';
let llm: ScriptedLlmServer;
/** Local mode, small bodies. */
let local: RunningServer;
/** With an API key and a rate limit of 3 a minute. */
let keyed: RunningServer;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  const llmConfig = { baseUrl: llm.url, model: MODEL, maxRetries: 0 };
  local = await startServer({ config: configSchema.parse({ llm: llmConfig, store: { kind: 'memory' }, server: { bodyLimitBytes: 4096 } }), port: 0 });
  const keyedConfig = configSchema.parse({
    llm: llmConfig,
    store: { kind: 'memory' },
    server: { apiKeys: [{ sha256: sha256Hex(KEY), principal: 'ci' }], rateLimit: { requestsPerMinute: 3 } },
    auth: { principals: { ci: { roles: ['user'] } } },
  });
  keyed = await startServer({ config: keyedConfig, port: 0 });
});

afterAll(async () => {
  await local.close({ timeoutMs: 1000 });
  await keyed.close({ timeoutMs: 1000 });
  await llm.close();
});

const client = (server: RunningServer, apiKey = 'not-needed-in-local-mode') => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
const errorResponse = () => openAiValidator('ErrorResponse');

/** The rejection of `promise`, which must be one. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error,
  );
}

/** The raw body of a request, checked against OpenAI's ErrorResponse. */
async function openAiBody(res: Response): Promise<{ error: { message: string; type: string; param: string | null; code: string | null } }> {
  const body = (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
  expectValid(errorResponse(), body);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return body;
}

describe('OpenAI error shape, through the openai SDK', () => {
  it('models.retrieve of an unknown model throws NotFoundError with type, param and code', async () => {
    const error = await rejection(client(local).models.retrieve('nope'));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const e = error as InstanceType<typeof OpenAI.NotFoundError>;
    expect(e.status).toBe(404);
    expect(e.error).toEqual({ message: "The model 'nope' does not exist", type: 'not_found_error', param: 'model', code: 'NOT_FOUND' });
    expect([e.type, e.param, e.code]).toEqual(['not_found_error', 'model', 'NOT_FOUND']);
    await openAiBody(await fetch(`${local.url}/v1/models/nope`));
  });

  it('a bad request body throws BadRequestError whose param is the field', async () => {
    const empty = (await rejection(client(local).chat.completions.create({ model: MODEL, messages: [] }))) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    expect([empty.type, empty.param, empty.code]).toEqual(['invalid_request_error', 'messages', 'INVALID_INPUT']);
    expect(empty.message).toContain('body.messages');

    const notUser = client(local).chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'yes?' },
      ],
    });
    const last = (await rejection(notUser)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(last).toBeInstanceOf(OpenAI.BadRequestError);
    expect(last.param).toBe('messages.1');

    const raw = await fetch(`${local.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' });
    expect(raw.status).toBe(400);
    // The body as a whole is bad: no field to name.
    expect((await openAiBody(raw)).error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'INVALID_INPUT' });
  });

  it('a keyed service without a key throws AuthenticationError, before the route runs', async () => {
    const error = (await rejection(client(keyed, 'wrong-key').models.list())) as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect([error.type, error.param, error.code]).toEqual(['authentication_error', null, 'UNAUTHENTICATED']);
    const raw = await fetch(`${keyed.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toBe('Bearer realm="agentbox"');
    expect((await openAiBody(raw)).error.type).toBe('authentication_error');
  });

  it('past the rate limit throws RateLimitError, with Retry-After', async () => {
    const ok = client(keyed, KEY);
    let error: unknown;
    for (let i = 0; i < 5 && error === undefined; i += 1)
      error = await ok.models.list().then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const e = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect([e.type, e.code]).toEqual(['rate_limit_error', 'RATE_LIMITED']);
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a body over the limit is a 413 in OpenAI shape', async () => {
    const big = client(local).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(10_000) }] });
    const error = (await rejection(big)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect([error.status, error.type, error.code]).toEqual([413, 'invalid_request_error', 'PAYLOAD_TOO_LARGE']);
  });

  it('an LLM failure throws InternalServerError (502), and an error in the stream is an APIError with the same fields', async () => {
    llm.enqueue({ type: 'error', status: 400, message: 'nope' }, { type: 'error', status: 400, message: 'nope' });
    const plain = (await rejection(client(local).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }))) as InstanceType<
      typeof OpenAI.InternalServerError
    >;
    expect(plain).toBeInstanceOf(OpenAI.InternalServerError);
    expect([plain.status, plain.type, plain.param, plain.code]).toEqual([502, 'server_error', null, 'LLM_HTTP']);

    const stream = await client(local).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true });
    const inStream = (await rejection(
      (async () => {
        for await (const _chunk of stream);
      })(),
    )) as InstanceType<typeof OpenAI.APIError>;
    expect(inStream).toBeInstanceOf(OpenAI.APIError);
    expect(inStream.error).toMatchObject({ type: 'server_error', param: null, code: 'LLM_HTTP' });
    expectValid(errorResponse(), { error: inStream.error });
  });
});

describe('OpenAI error shape from the guard, over raw HTTP', () => {
  it('a body that is not JSON is a 415', async () => {
    const res = await fetch(`${local.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(res.status).toBe(415);
    expect((await openAiBody(res)).error).toMatchObject({ type: 'invalid_request_error', code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('a page of another origin in local mode is a 403 permission_error', async () => {
    const res = await fetch(`${local.url}/v1/models`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect((await openAiBody(res)).error).toMatchObject({ type: 'permission_error', code: 'ORIGIN_NOT_ALLOWED' });
  });

  it('an unmatched method or path under /v1/models is a 404 in OpenAI shape', async () => {
    const res = await fetch(`${local.url}/v1/models`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect((await openAiBody(res)).error).toMatchObject({ type: 'not_found_error', code: 'NOT_FOUND' });
  });

  it("agentbox's own routes keep agentbox's shape", async () => {
    const res = await fetch(`${local.url}/v1/sessions/no-such-session`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect(body.error).not.toHaveProperty('type');
    const bad = await fetch(`${local.url}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"metadata":1}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: unknown } }).error.details).toMatchObject({ issues: [{ path: 'body.metadata' }] });
  });
});
