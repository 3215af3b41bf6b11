import { afterEach, describe, expect, it } from 'vitest';
import { createAuthorizer, type Authorizer } from '../auth/authorizer.js';
import { startLoopbackHttp } from '../../test/helpers/loopback-http.js';
import { createRuntimeWorkflowHost } from '../runtime/create-runtime-workflow-host.js';
import { BaseRuntime } from '../runtime/base-runtime.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel } from '../testing/scripted-model.js';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock } from './workflow-test-support.test-support.js';
import { validateWorkflow } from './validate-workflow.js';

const document = { dsl: '1.0.0', namespace: 'test', name: 'http', version: '1.0.0' };
const jq = new JqEvaluator();
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(...args: Parameters<typeof startLoopbackHttp>) {
  const server = await startLoopbackHttp(...args);
  servers.push(server);
  return server;
}

/** An engine over the real runtime host; `hosts` is what the host grants runs started without a list. */
function engineWith(hosts: string[], authorizer?: Authorizer) {
  const runtime = new BaseRuntime({ store: new MemorySessionStore(), model: createScriptedModel([]) });
  const journal = new MemoryWorkflowJournal();
  const host = createRuntimeWorkflowHost(runtime, { http: { hosts }, ...(authorizer ? { authorizer } : {}) });
  const engine = new WorkflowEngine({ journal, host, jq, clock: fakeClock() });
  return { engine, journal };
}

describe('call: http', () => {
  it('fills the URI template from the input, sends query, headers and the idempotency key, and parses JSON content', async () => {
    const server = await serve(() => ({ headers: { 'content-type': 'application/json' }, body: '{"name":"Rex"}' }));
    const { engine } = engineWith([`127.0.0.1:${server.port}`]);
    const result = await engine.start(
      {
        document,
        do: [
          {
            getPet: {
              call: 'http',
              with: {
                method: 'get',
                endpoint: { uri: `${server.origin}/pets/{petId}` },
                query: { verbose: '${ .verbose }' },
                headers: { 'x-trace': 'abc' },
              },
            },
          },
        ],
      },
      { input: { petId: 'a b/c', verbose: true }, runId: 'run-1' },
    );
    expect(result).toMatchObject({ status: 'completed', output: { name: 'Rex' } });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/pets/a%20b%2Fc?verbose=true' });
    expect(server.requests[0]?.headers).toMatchObject({ 'x-trace': 'abc', 'idempotency-key': 'run-1:/do/0/getPet' });
  });

  it('sends an object body as JSON; output raw gives the bytes in base64', async () => {
    const server = await serve((req) => ({ status: 201, headers: { 'content-type': 'text/plain', 'x-id': '7' }, body: `got ${req.body}` }));
    const { engine } = engineWith([`127.0.0.1:${server.port}`]);
    const result = await engine.start(
      {
        document,
        do: [
          { create: { call: 'http', with: { method: 'POST', endpoint: `${server.origin}/pets`, body: { name: '${ .name }' } } } },
          { bytes: { call: 'http', with: { method: 'GET', endpoint: `${server.origin}/raw`, output: 'raw' }, export: { as: '${ { raw: . } }' } } },
          { both: { set: '${ { raw: $context.raw } }' } },
        ],
      },
      { input: { name: 'Rex' } },
    );
    expect(result.status).toBe('completed');
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(server.requests[0]?.body).toBe('{"name":"Rex"}');
    expect(atob((result.output as { raw: string }).raw)).toBe('got ');
    const status = await engine.status(result.runId);
    expect(status.tasks.map((t) => t.status)).toEqual(['completed', 'completed', 'completed']);
  });

  it('returns the response object with request, statusCode, headers and content', async () => {
    const server = await serve(() => ({ status: 201, headers: { 'content-type': 'application/json', 'x-id': '7' }, body: '{"id":7}' }));
    const { engine } = engineWith([`127.0.0.1:${server.port}`]);
    const result = await engine.start(
      {
        document,
        do: [{ create: { call: 'http', with: { method: 'POST', endpoint: `${server.origin}/pets`, body: 'plain', output: 'response' } } }],
      },
      { runId: 'r' },
    );
    expect(result.output).toMatchObject({
      request: { method: 'POST', uri: `${server.origin}/pets`, headers: { 'Idempotency-Key': 'r:/do/0/create' } },
      statusCode: 201,
      headers: { 'x-id': '7' },
      content: { id: 7 },
    });
    // A string body goes as it is: not labelled JSON.
    expect(server.requests[0]?.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('keeps one idempotency key across the retries of a task, and gives another task its own', async () => {
    let calls = 0;
    const server = await serve(() => {
      calls += 1;
      return calls === 1 ? { status: 503, body: 'busy' } : { body: 'ok' };
    });
    const { engine } = engineWith([`127.0.0.1:${server.port}`]);
    const result = await engine.start(
      {
        document,
        do: [
          {
            guard: {
              try: [{ flaky: { call: 'http', with: { method: 'POST', endpoint: `${server.origin}/charge` } } }],
              catch: { errors: { with: { status: 503 } }, retry: { delay: { seconds: 1 }, limit: { attempt: { count: 2 } } } },
            },
          },
          { again: { call: 'http', with: { method: 'POST', endpoint: `${server.origin}/charge` } } },
        ],
      },
      { runId: 'run-2' },
    );
    expect(result).toMatchObject({ status: 'completed', output: 'ok' });
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual(['run-2:/do/0/guard/try/0/flaky', 'run-2:/do/0/guard/try/0/flaky', 'run-2:/do/1/again']);
  });

  it('faults with communication and the answer status on a non-2xx answer', async () => {
    const server = await serve(() => ({ status: 404, body: 'no such pet' }));
    const { engine } = engineWith([`127.0.0.1:${server.port}`]);
    const result = await engine.start({ document, do: [{ getPet: { call: 'http', with: { method: 'GET', endpoint: `${server.origin}/pets/1` } } }] });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: expect.stringMatching(/\/communication$/), status: 404, instance: '/do/0/getPet' });
    expect(result.error?.detail).toContain('no such pet');
  });

  it('refuses a host not granted with the authorization error, sending nothing; the run’s own list wins over the host’s', async () => {
    const server = await serve(() => ({ body: 'ok' }));
    const { engine } = engineWith(['api.example.com']);
    const call = { document, do: [{ getPet: { call: 'http', with: { method: 'GET', endpoint: `${server.origin}/x` } } }] };
    const denied = await engine.start(call);
    expect(denied.error).toMatchObject({ type: expect.stringMatching(/\/authorization$/), status: 403, instance: '/do/0/getPet' });
    expect(denied.error?.detail).toContain('is not among the granted hosts');
    expect(server.requests).toHaveLength(0);
    const granted = await engine.start(call, { hosts: [`127.0.0.1:${server.port}`] });
    expect(granted).toMatchObject({ status: 'completed', output: 'ok' });
    const narrowed = engineWith([`127.0.0.1:${server.port}`]);
    expect((await narrowed.engine.start(call, { hosts: [] })).error?.status).toBe(403);
  });

  it('holds the run to its principal’s roles, as http_fetch: tool:invoke:http_fetch, hosts narrowed by capabilities', async () => {
    const server = await serve(() => ({ body: 'ok' }));
    const authorizer = createAuthorizer({
      roles: {
        fetcher: { allow: ['tool:invoke:http_fetch'], capabilities: { hosts: ['api.example.com'] } },
        local: { allow: ['tool:invoke:http_fetch'], capabilities: { hosts: ['127.0.0.1'] } },
        reader: { allow: ['tool:invoke:calculator'] },
      },
      principals: { bob: { roles: ['fetcher'] }, carol: { roles: ['reader'] }, dave: { roles: ['local'] } },
    });
    const { engine } = engineWith([`127.0.0.1:${server.port}`], authorizer);
    const call = { document, do: [{ get: { call: 'http', with: { method: 'GET', endpoint: `${server.origin}/x` } } }] };
    const narrowed = await engine.start(call, { principal: 'bob' });
    expect(narrowed.error).toMatchObject({ status: 403, instance: '/do/0/get' });
    expect(narrowed.error?.detail).toContain('is not among the granted hosts');
    const denied = await engine.start(call, { principal: 'carol' });
    expect(denied.error).toMatchObject({ status: 403, title: 'call failed (TOOL_DENIED)' });
    expect(server.requests).toHaveLength(0);
    expect(await engine.start(call, { principal: 'dave' })).toMatchObject({ status: 'completed', output: 'ok' });
  });

  it('does not follow a redirect out of the grant', async () => {
    const server = await serve((req) => (req.url === '/go' ? { status: 302, headers: { location: `http://localhost:${server.port}/x` } } : { body: 'x' }));
    const { engine } = engineWith([`127.0.0.1:${server.port}`]);
    const result = await engine.start({ document, do: [{ hop: { call: 'http', with: { method: 'GET', endpoint: `${server.origin}/go` } } }] });
    expect(result.error).toMatchObject({ status: 403, instance: '/do/0/hop' });
    expect(server.requests.map((r) => r.url)).toEqual(['/go']);
  });

  it('faults with validation on bad input at run time: a header with a line break, a body on a GET', async () => {
    const { engine } = engineWith(['*']);
    const run = (withArgs: Record<string, unknown>) =>
      engine.start({ document, do: [{ get: { call: 'http', with: { method: 'GET', endpoint: 'http://127.0.0.1:1/', ...withArgs } } }] });
    expect((await run({ headers: { x: '${ "a\r\nb" }' } })).error).toMatchObject({ status: 400, instance: '/do/0/get' });
    expect((await run({ body: 'x' })).error?.detail).toContain('a GET request has no body');
  });

  it('faults at run time on a missing template variable, and a host without network is a configuration error', async () => {
    const { engine } = engineWith(['*']);
    const missing = await engine.start({ document, do: [{ get: { call: 'http', with: { method: 'GET', endpoint: 'http://127.0.0.1:1/{nope}' } } }] });
    expect(missing.error).toMatchObject({ status: 400, instance: '/do/0/get', type: expect.stringMatching(/\/validation$/) });
    expect(missing.error?.detail).toContain('{nope}');
    const bare = new WorkflowEngine({
      journal: new MemoryWorkflowJournal(),
      host: { callTool: async () => 1, callLlm: async () => ({ content: '' }), callAgent: async () => ({ content: '', sessionId: '' }) },
      jq,
    });
    const refused = await bare.start({ document, do: [{ get: { call: 'http', with: { method: 'GET', endpoint: 'http://127.0.0.1:1/' } } }] });
    expect(refused.error).toMatchObject({ type: expect.stringMatching(/\/configuration$/), instance: '/do/0/get' });
  });

  it('validation names the task path of a bad literal method or endpoint', async () => {
    const result = await validateWorkflow(
      {
        document,
        do: [
          { a: { call: 'http', with: { method: 'FETCH', endpoint: 'http://example.com/' } } },
          { b: { call: 'http', with: { method: 'GET', endpoint: 'ftp://example.com/x' } } },
          { c: { call: 'http', with: { endpoint: 'http://example.com/' } } },
          { d: { call: 'http', with: { method: '${ .m }', endpoint: { uri: 'https://example.com/pets/{id}' } } } },
          { e: { call: 'http', with: { method: 'GET', endpoint: '${ .url }', output: 'json' } } },
        ],
      },
      { jq },
    );
    const errors = result.issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
    expect(errors).toEqual([
      expect.stringMatching(/^\/do\/0\/a\/with\/method: .*FETCH/),
      expect.stringMatching(/^\/do\/1\/b\/with\/endpoint: /),
      expect.stringMatching(/^\/do\/2\/c\/with\/method: /),
      expect.stringMatching(/^\/do\/4\/e\/with\/output: /),
    ]);
  });
});
