import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackHttp, type RecordedRequest } from '../../test/helpers/loopback-http.js';
import { createRuntimeWorkflowHost } from '../runtime/create-runtime-workflow-host.js';
import { BaseRuntime } from '../runtime/base-runtime.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel } from '../testing/scripted-model.js';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { validateWorkflow } from './validate-workflow.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock } from './workflow-test-support.test-support.js';

const document = { dsl: '1.0.0', namespace: 'test', name: 'auth', version: '1.0.0' };
const jq = new JqEvaluator();
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(respond: Parameters<typeof startLoopbackHttp>[0]) {
  const server = await startLoopbackHttp(respond);
  servers.push(server);
  return server;
}

function engineWith(hosts: string[], secrets: Record<string, unknown>) {
  const runtime = new BaseRuntime({ store: new MemorySessionStore(), model: createScriptedModel([]) });
  const journal = new MemoryWorkflowJournal();
  const host = createRuntimeWorkflowHost(runtime, { http: { hosts } });
  const engine = new WorkflowEngine({ journal, host, jq, clock: fakeClock(), secrets });
  return { engine, journal };
}

const json = (body: unknown, status = 200) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** An API that wants `expected` in Authorization, and answers with what it got. */
const api = (expected: () => string) => (req: RecordedRequest) =>
  req.headers.authorization === expected() ? json({ ok: true, path: req.url }) : json({ error: 'unauthorized' }, 401);

describe('endpoint authentication', () => {
  it('sends basic credentials from a secret and journals neither them nor the header', async () => {
    const server = await serve(api(() => `Basic ${Buffer.from('ada:s3cret-pass').toString('base64')}`));
    const { engine, journal } = engineWith([`127.0.0.1:${server.port}`], { creds: JSON.stringify({ username: 'ada', password: 's3cret-pass' }) });
    const result = await engine.start({
      document,
      do: [
        {
          get: {
            call: 'http',
            with: { method: 'get', endpoint: { uri: `${server.origin}/me`, authentication: { basic: { use: 'creds' } } }, output: 'response' },
          },
        },
      ],
    });
    expect(result).toMatchObject({ status: 'completed', output: { statusCode: 200, content: { ok: true } } });
    expect((result.output as { request: { headers: Record<string, string> } }).request.headers.Authorization).toBe('[redacted]');
    const journaled = JSON.stringify(await journal.events(result.runId));
    expect(journaled).not.toContain('s3cret-pass');
    expect(journaled).not.toContain(Buffer.from('ada:s3cret-pass').toString('base64'));
  });

  it('sends a bearer token from a declared policy whose expressions read $secrets', async () => {
    const server = await serve(api(() => 'Bearer tok-12345'));
    const { engine } = engineWith([`127.0.0.1:${server.port}`], { token: 'tok-12345' });
    const result = await engine.start({
      document,
      use: { authentications: { petStore: { bearer: { token: '${ $secrets.token }' } } } },
      do: [{ get: { call: 'http', with: { method: 'get', endpoint: { uri: `${server.origin}/pets`, authentication: { use: 'petStore' } } } } }],
    });
    expect(result).toMatchObject({ status: 'completed', output: { ok: true } });
  });

  it('fetches an OAuth2 client-credentials token once per run, and again when the API refuses it', async () => {
    let issued = 0;
    let accepted = 'none';
    const auth = await serve((req) => {
      const form = new URLSearchParams(req.body);
      if (req.url !== '/oauth2/token' || form.get('grant_type') !== 'client_credentials' || form.get('client_secret') !== 'cs-999') {
        return json({ error: 'invalid_client' }, 401);
      }
      issued += 1;
      return json({ access_token: `at-${issued}`, token_type: 'bearer', expires_in: 600, scope: form.get('scope') });
    });
    // The API accepts the first token once, then only the second: a rotated token.
    const server = await serve((req) => {
      const ok = req.headers.authorization === `Bearer ${accepted}`;
      if (!ok) return json({ error: 'unauthorized' }, 401);
      if (accepted === 'at-1') accepted = 'at-2';
      return json({ ok: true, with: req.headers.authorization });
    });
    accepted = 'at-1';
    const { engine } = engineWith([`127.0.0.1:${auth.port}`, `127.0.0.1:${server.port}`], { clientSecret: 'cs-999' });
    const policy = {
      oauth2: {
        authority: auth.origin,
        grant: 'client_credentials',
        client: { id: 'agentbox', secret: '${ $secrets.clientSecret }' },
        scopes: ['pets:read', 'pets:write'],
      },
    };
    const call = (name: string) => ({
      [name]: { call: 'http', with: { method: 'get', endpoint: { uri: `${server.origin}/${name}`, authentication: { use: 'store' } } } },
    });
    const result = await engine.start({ document, use: { authentications: { store: policy } }, do: [call('a'), call('b')] });
    expect(result).toMatchObject({ status: 'completed', output: { ok: true, with: 'Bearer at-2' } });
    // One token for the first call; the second call's 401 fetched a fresh one and was retried once.
    expect(issued).toBe(2);
    expect(new URLSearchParams(auth.requests[0]?.body).get('scope')).toBe('pets:read pets:write');
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer at-1', 'Bearer at-1', 'Bearer at-2']);
  });

  it('finds the token endpoint of an OpenID Connect authority by discovery', async () => {
    const auth = await serve((req) =>
      req.url === '/.well-known/openid-configuration'
        ? json({ issuer: 'x', token_endpoint: `http://${req.headers.host}/connect/token` })
        : req.url === '/connect/token'
          ? json({ access_token: 'oidc-token', token_type: 'Bearer', expires_in: 60 })
          : json({}, 404),
    );
    const server = await serve(api(() => 'Bearer oidc-token'));
    const { engine } = engineWith([`127.0.0.1:${auth.port}`, `127.0.0.1:${server.port}`], {});
    const oidc = { authority: auth.origin, grant: 'client_credentials', client: { id: 'a', secret: 'b', authentication: 'client_secret_basic' } };
    const result = await engine.start({
      document,
      do: [{ get: { call: 'http', with: { method: 'get', endpoint: { uri: `${server.origin}/x`, authentication: { oidc } } } } }],
    });
    expect(result).toMatchObject({ status: 'completed', output: { ok: true } });
    expect(auth.requests[1]?.headers.authorization).toBe(`Basic ${Buffer.from('a:b').toString('base64')}`);
  });

  it('a refused token request faults the task with the authentication error; the API is never called', async () => {
    const auth = await serve(() => json({ error: 'invalid_client', error_description: 'echo of cs-wrong' }, 401));
    const server = await serve(() => json({ ok: true }));
    const { engine, journal } = engineWith([`127.0.0.1:${auth.port}`, `127.0.0.1:${server.port}`], {});
    const oauth2 = { authority: auth.origin, client: { id: 'a', secret: 'cs-wrong' } };
    const result = await engine.start({
      document,
      do: [{ get: { call: 'http', with: { method: 'get', endpoint: { uri: `${server.origin}/x`, authentication: { oauth2 } } } } }],
    });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authentication',
      status: 401,
      instance: '/do/0/get',
      detail: expect.stringContaining('answered 401: invalid_client'),
    });
    expect(server.requests).toHaveLength(0);
    expect(JSON.stringify(await journal.events(result.runId))).not.toContain('echo of');
  });

  it('the token endpoint is held to the run host grant like any request', async () => {
    const auth = await serve(() => json({ access_token: 'x' }));
    const server = await serve(() => json({ ok: true }));
    const { engine } = engineWith([`127.0.0.1:${server.port}`], {});
    const result = await engine.start({
      document,
      do: [{ get: { call: 'http', with: { method: 'get', endpoint: { uri: `${server.origin}/x`, authentication: { oauth2: { authority: auth.origin } } } } } }],
    });
    expect(result.status).toBe('faulted');
    expect(auth.requests).toHaveLength(0);
    expect(server.requests).toHaveLength(0);
  });

  it('validation names an undeclared policy, and flags kinds and grants this version does not send', async () => {
    const endpoint = (authentication: unknown) => ({ call: 'http', with: { method: 'get', endpoint: { uri: 'https://api.example.com/', authentication } } });
    const checked = await validateWorkflow(
      {
        document,
        use: { authentications: { code: { oauth2: { authority: 'https://id.example.com', grant: 'authorization_code' } } } },
        do: [{ a: endpoint({ use: 'missing' }) }, { b: endpoint({ digest: { username: 'u', password: 'p' } }) }, { c: endpoint({ use: 'code' }) }],
      },
      { jq },
    );
    expect(checked.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          severity: 'error',
          path: '/do/0/a/with/endpoint/authentication/use',
          message: expect.stringContaining("'missing' is not declared"),
        }),
        expect.objectContaining({ code: 'not-implemented', path: '/do/1/b/with/endpoint/authentication/digest' }),
        expect.objectContaining({ code: 'not-implemented', path: '/use/authentications/code/oauth2/grant' }),
      ]),
    );
  });
});
