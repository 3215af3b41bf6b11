import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startLoopbackHttp, type RecordedRequest } from '../../test/helpers/loopback-http.js';
import { createRuntimeWorkflowHost } from '../runtime/create-runtime-workflow-host.js';
import { BaseRuntime } from '../runtime/base-runtime.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel } from '../testing/scripted-model.js';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { validateWorkflow } from './validate-workflow.js';
import { WorkflowEngine } from './workflow-engine.js';

const document = { dsl: '1.0.0', namespace: 'test', name: 'openapi', version: '1.0.0' };
const jq = new JqEvaluator();

const petstore = {
  openapi: '3.0.3',
  info: { title: 'pets', version: '1' },
  servers: [{ url: '/{base}', variables: { base: { default: 'v1' } } }],
  components: { parameters: { tenant: { name: 'x-tenant', in: 'header', required: true } } },
  paths: {
    '/pets/{petId}': {
      parameters: [{ name: 'petId', in: 'path', required: true }],
      get: { operationId: 'getPet', parameters: [{ name: 'fields', in: 'query' }, { $ref: '#/components/parameters/tenant' }] },
    },
    '/pets': { post: { operationId: 'createPet', requestBody: { content: { 'application/json': {} } } } },
  },
};

/** Serves the document (JSON at /openapi.json, YAML at /openapi.yaml) and answers the operations. */
function api(request: RecordedRequest) {
  if (request.url === '/openapi.json') return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(petstore) };
  if (request.url === '/openapi.yaml') return { headers: { 'content-type': 'application/yaml' }, body: stringify(petstore) };
  return {
    status: request.method === 'POST' ? 201 : 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: request.url, body: request.body }),
  };
}

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup() {
  const server = await startLoopbackHttp(api);
  servers.push(server);
  const runtime = new BaseRuntime({ store: new MemorySessionStore(), model: createScriptedModel([]) });
  const engine = new WorkflowEngine({
    journal: new MemoryWorkflowJournal(),
    host: createRuntimeWorkflowHost(runtime, { http: { hosts: [`127.0.0.1:${server.port}`] } }),
    jq,
  });
  return { server, engine };
}

const openapi = (withArgs: Record<string, unknown>) => ({ document, do: [{ pet: { call: 'openapi', with: withArgs } }] });

describe('call: openapi', () => {
  it('finds the operation, fills and encodes the path, sends query and header parameters under the server URL, with the idempotency key', async () => {
    const { server, engine } = await setup();
    const result = await engine.start(
      openapi({
        document: { endpoint: `${server.origin}/openapi.json` },
        operationId: 'getPet',
        parameters: { petId: '${ .id }', fields: 'name', 'x-tenant': 'acme' },
      }),
      { input: { id: 'rex/1 ?' }, runId: 'run-o' },
    );
    expect(result).toMatchObject({ status: 'completed', output: { url: '/v1/pets/rex%2F1%20%3F?fields=name' } });
    expect(server.requests.map((r) => r.url)).toEqual(['/openapi.json', '/v1/pets/rex%2F1%20%3F?fields=name']);
    expect(server.requests[1]?.headers).toMatchObject({ 'x-tenant': 'acme', 'idempotency-key': 'run-o:/do/0/pet' });
  });

  it('reads a YAML document and sends the body as JSON', async () => {
    const { server, engine } = await setup();
    const result = await engine.start(
      openapi({
        document: { endpoint: { uri: `${server.origin}/openapi.yaml` } },
        operationId: 'createPet',
        parameters: { body: { name: 'Rex' } },
        output: 'response',
      }),
    );
    expect(result.output).toMatchObject({ statusCode: 201, content: { url: '/v1/pets', body: '{"name":"Rex"}' } });
    expect(server.requests[1]).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
  });

  it('faults with validation naming an unknown operation, a missing required parameter, an unknown parameter', async () => {
    const { server, engine } = await setup();
    const endpoint = `${server.origin}/openapi.json`;
    const unknown = await engine.start(openapi({ document: { endpoint }, operationId: 'deletePet' }));
    expect(unknown.error).toMatchObject({ type: expect.stringMatching(/\/validation$/), status: 400, instance: '/do/0/pet' });
    expect(unknown.error?.detail).toContain("no operation 'deletePet'");
    const missing = await engine.start(openapi({ document: { endpoint }, operationId: 'getPet', parameters: { petId: 1 } }));
    expect(missing.error?.detail).toContain("needs parameter 'x-tenant' (in header)");
    const extra = await engine.start(openapi({ document: { endpoint }, operationId: 'getPet', parameters: { petId: 1, 'x-tenant': 'a', color: 'red' } }));
    expect(extra.error?.detail).toContain("has no parameter 'color'");
    // Neither the unknown operation nor a missing parameter sent anything but the document request.
    expect(server.requests.filter((r) => !r.url.startsWith('/openapi'))).toHaveLength(0);
  });

  it('fetches the document only from a granted host', async () => {
    const { server, engine } = await setup();
    const result = await engine.start(openapi({ document: { endpoint: `http://localhost:${server.port}/openapi.json` }, operationId: 'getPet' }));
    expect(result.error).toMatchObject({ status: 403, type: expect.stringMatching(/\/authorization$/), instance: '/do/0/pet' });
    expect(server.requests).toHaveLength(0);
  });

  it('validation requires document.endpoint and operationId, naming the task path', async () => {
    const result = await validateWorkflow(
      { document, do: [{ a: { call: 'openapi', with: { operationId: 'x' } } }, { b: { call: 'openapi', with: { document: { endpoint: 'not a url' } } } }] },
      { jq },
    );
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => i.path)).toEqual(['/do/0/a/with/document/endpoint', '/do/1/b/with/document/endpoint', '/do/1/b/with/operationId']);
  });
});
