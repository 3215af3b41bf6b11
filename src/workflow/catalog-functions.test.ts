import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackHttp } from '../../test/helpers/loopback-http.js';
import { BaseRuntime } from '../runtime/base-runtime.js';
import { createRuntimeWorkflowHost } from '../runtime/create-runtime-workflow-host.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel } from '../testing/scripted-model.js';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { validateWorkflow } from './validate-workflow.js';
import { WorkflowEngine } from './workflow-engine.js';
import { fakeClock } from './workflow-test-support.test-support.js';

const document = { dsl: '1.0.0', namespace: 'test', name: 'catalog', version: '1.0.0' };
const jq = new JqEvaluator();
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A catalog laid out as the spec has it, whose `greet` function calls back into the same server. */
async function catalogServer(functionYaml: (origin: string) => string) {
  const requests: string[] = [];
  const server = await startLoopbackHttp((request) => {
    requests.push(request.url);
    if (request.url === '/catalog/functions/greet/1.0.0/function.yaml') return { headers: { 'content-type': 'application/yaml' }, body: functionYaml(origin) };
    if (request.url.startsWith('/hello/'))
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hello: decodeURIComponent(request.url.slice(7)) }) };
    return { status: 404, body: 'no such function' };
  });
  const origin = `http://127.0.0.1:${server.port}`;
  servers.push(server);
  return { server, origin, requests };
}

function engineWith(hosts: string[]) {
  const runtime = new BaseRuntime({ store: new MemorySessionStore(), model: createScriptedModel([]) });
  const journal = new MemoryWorkflowJournal();
  return { journal, engine: new WorkflowEngine({ journal, host: createRuntimeWorkflowHost(runtime, { http: { hosts } }), jq, clock: fakeClock() }) };
}

const greetYaml = (origin: string) => `call: http\nwith:\n  method: get\n  endpoint: ${origin}/hello/{name}\n`;
const calling = (origin: string, ref = 'greet:1.0.0@shared') => ({
  document,
  use: { catalogs: { shared: { endpoint: `${origin}/catalog` } } },
  do: [{ hi: { call: ref } }],
});

describe('cataloged functions', () => {
  it('resolves name:version@catalog from the catalog when the run starts, journals it, and runs it', async () => {
    const { origin, requests, server } = await catalogServer(greetYaml);
    const { engine, journal } = engineWith([`127.0.0.1:${server.port}`]);
    const result = await engine.start(calling(origin), { input: { name: 'Ada' } });
    expect(result).toMatchObject({ status: 'completed', output: { hello: 'Ada' } });
    expect(requests).toEqual(['/catalog/functions/greet/1.0.0/function.yaml', '/hello/Ada']);
    const [started] = await journal.events(result.runId);
    expect(started).toMatchObject({ type: 'run.started', functions: { 'greet:1.0.0@shared': { call: 'http' } } });
  });

  it('refuses before journaling a catalog that is not declared, a function the catalog lacks, an invalid one, or one on a host not granted', async () => {
    const { origin, server } = await catalogServer(() => 'call: http\nwith: { method: teleport, endpoint: "http://x" }\n');
    const undeclared = await validateWorkflow({ document, do: [{ hi: { call: 'greet:1.0.0@nowhere' } }] }, { jq });
    expect(undeclared.issues.map((i) => `${i.code} ${i.path}`)).toEqual(['unknown-function /do/0/hi/call']);
    const { engine, journal } = engineWith([`127.0.0.1:${server.port}`]);
    await expect(engine.start(calling(origin, 'missing:1.0.0@shared'))).rejects.toMatchObject({
      code: 'WORKFLOW_INVALID',
      message: expect.stringMatching(/\/do\/0\/hi\/call: cataloged function 'missing:1.0.0@shared' cannot be fetched: .*answered 404/),
    });
    await expect(engine.start(calling(origin))).rejects.toMatchObject({
      code: 'WORKFLOW_INVALID',
      message: expect.stringContaining("'teleport' is not an HTTP method"),
    });
    const ungranted = engineWith([]);
    await expect(ungranted.engine.start(calling(origin))).rejects.toMatchObject({
      code: 'WORKFLOW_INVALID',
      message: expect.stringMatching(/cannot be fetched: .*127\.0\.0\.1/),
    });
    expect(await journal.list()).toEqual([]);
  });

  it('calls a custom function by its URI (fetched at run start, under the host grant), as the spec examples do', async () => {
    const { origin, requests, server } = await catalogServer(greetYaml);
    const uri = `${origin}/catalog/functions/greet/1.0.0/function.yaml`;
    const byUri = { document, do: [{ hi: { call: uri } }] };
    const valid = await validateWorkflow(byUri, { jq });
    expect(valid.issues).toEqual([]);
    const { engine, journal } = engineWith([`127.0.0.1:${server.port}`]);
    const result = await engine.start(byUri, { input: { name: 'Grace' } });
    expect(result).toMatchObject({ status: 'completed', output: { hello: 'Grace' } });
    expect(requests).toEqual(['/catalog/functions/greet/1.0.0/function.yaml', '/hello/Grace']);
    const [started] = await journal.events(result.runId);
    expect(started).toMatchObject({ type: 'run.started', functions: { [uri]: { call: 'http' } } });
    const ungranted = engineWith([]);
    await expect(ungranted.engine.start(byUri)).rejects.toMatchObject({ code: 'WORKFLOW_INVALID', message: expect.stringContaining('cannot be fetched') });
    expect(await ungranted.journal.list()).toEqual([]);
  });
});
