import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackHttp } from '../../test/helpers/loopback-http.js';
import { BaseRuntime } from '../runtime/base-runtime.js';
import { createRuntimeWorkflowHost } from '../runtime/create-runtime-workflow-host.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel } from '../testing/scripted-model.js';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import type { RunEvent } from './run-events.js';
import { validateWorkflow } from './validate-workflow.js';
import { WorkflowEngine } from './workflow-engine.js';
import { WorkflowValidationError } from './workflow-issue.js';
import { fakeClock } from './workflow-test-support.test-support.js';

const document = { dsl: '1.0.0', namespace: 'test', name: 'resources', version: '1.0.0' };
const jq = new JqEvaluator();
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Serves what `files` holds now (a test changes it to show a resume does not refetch). */
async function resourceServer(files: Record<string, string>) {
  const server = await startLoopbackHttp((req) => (req.url in files ? { body: files[req.url] as string } : { status: 404, body: 'gone' }));
  servers.push(server);
  return server;
}

function engineWith(hosts: string[], journal = new MemoryWorkflowJournal(), secrets: Record<string, unknown> = {}) {
  const runtime = new BaseRuntime({ store: new MemorySessionStore(), model: createScriptedModel([]) });
  return { journal, engine: new WorkflowEngine({ journal, host: createRuntimeWorkflowHost(runtime, { http: { hosts } }), jq, clock: fakeClock(), secrets }) };
}

const orderSchemaYaml = 'type: object\nrequired: [id]\nproperties:\n  id: { type: integer }\n';
const scriptJs = 'console.log(`${greeting}, ${process.env.WHO}`)';

const definition = (origin: string) => ({
  document,
  input: { schema: { format: 'json', resource: { endpoint: `${origin}/order.yaml` } } },
  do: [
    { note: { set: { id: '${ .id }' } } },
    {
      greet: {
        run: {
          script: {
            language: 'js',
            source: { endpoint: { uri: `${origin}/greet.js` } },
            arguments: { greeting: 'hello' },
            environment: { WHO: '${ $secrets.who }' },
          },
        },
        output: { schema: { resource: { endpoint: `${origin}/out.json` } } },
      },
    },
  ],
});

describe('external resources (schema resource, script source)', () => {
  it('fetches them when the run starts, journals them, validates and runs with them; a resume uses the journaled copies', async () => {
    const files = { '/order.yaml': orderSchemaYaml, '/greet.js': scriptJs, '/out.json': '{"type":"string","pattern":"^hello"}' };
    const server = await resourceServer(files);
    const { engine, journal } = engineWith([`127.0.0.1:${server.port}`], undefined, { who: 'Ada Lovelace' });
    const result = await engine.start(definition(server.origin), { input: { id: 7 } });
    // The script saw the secret through process.env; what it printed is journaled (and returned) redacted.
    expect(result).toMatchObject({ status: 'completed', output: 'hello, [redacted]' });
    const events = (await journal.events(result.runId)) as RunEvent[];
    expect(events[0]).toMatchObject({
      type: 'run.started',
      resources: { [`${server.origin}/greet.js`]: scriptJs, [`${server.origin}/order.yaml`]: orderSchemaYaml },
    });
    expect(JSON.stringify(events)).not.toContain('Lovelace');

    // The server now serves something else (or nothing): a run resumed after `note` runs the script it started with.
    files['/greet.js'] = 'console.log("changed")';
    const crashed = new MemoryWorkflowJournal();
    const cut = events.findIndex((e) => e.type === 'task.completed');
    await crashed.create(result.runId, { workflow: 'test/resources' }, events.slice(0, cut + 1), { holder: 'gone', now: 0, ttlMs: 1 });
    const again = engineWith([`127.0.0.1:${server.port}`], crashed, { who: 'Ada Lovelace' });
    const before = server.requests.length;
    expect(await again.engine.resume(result.runId)).toMatchObject({ status: 'completed', output: 'hello, [redacted]' });
    expect(server.requests.length).toBe(before);
  });

  it('validates input and output against the fetched schemas', async () => {
    const server = await resourceServer({ '/order.yaml': orderSchemaYaml, '/greet.js': scriptJs, '/out.json': '{"type":"string","pattern":"^bye"}' });
    const { engine, journal } = engineWith([`127.0.0.1:${server.port}`], undefined, { who: 'Ada' });
    await expect(engine.start(definition(server.origin), { input: { id: 'seven' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await journal.list()).toHaveLength(0);
    const result = await engine.start(definition(server.origin), { input: { id: 7 } });
    expect(result).toMatchObject({ status: 'faulted', error: { status: 400, instance: '/do/1/greet', title: 'the task output does not match its schema' } });
  });

  it('refuses the run before storing anything when a resource is missing, or on a host not granted', async () => {
    const server = await resourceServer({ '/order.yaml': orderSchemaYaml, '/out.json': '{}' });
    const { engine, journal } = engineWith([`127.0.0.1:${server.port}`]);
    const missing = await engine.start(definition(server.origin), { input: { id: 1 } }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(WorkflowValidationError);
    expect((missing as WorkflowValidationError).issues).toEqual([
      expect.objectContaining({ path: '/do/1/greet/run/script/source', message: expect.stringContaining('greet.js cannot be fetched: it answered 404') }),
    ]);
    const ungranted = engineWith([]);
    const denied = (await ungranted.engine.start(definition(server.origin), { input: { id: 1 } }).catch((e: unknown) => e)) as WorkflowValidationError;
    expect(denied.issues.map((i) => i.path)).toEqual(['/input/schema/resource', '/do/1/greet/run/script/source', '/do/1/greet/output/schema/resource']);
    expect(await journal.list()).toHaveLength(0);
    expect(await ungranted.journal.list()).toHaveLength(0);
  });

  it('validation wants an absolute http(s) endpoint and an environment map', async () => {
    const checked = await validateWorkflow(
      {
        document,
        input: { schema: { resource: { endpoint: 'file:///etc/passwd' } } },
        do: [{ s: { run: { script: { language: 'js', source: { endpoint: 'relative.js' }, environment: ['A=1'] } } } }],
      },
      { jq },
    );
    expect(checked.ok).toBe(false);
    expect(checked.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['/input/schema/resource/endpoint', '/do/0/s/run/script/source/endpoint', '/do/0/s/run/script/environment']),
    );
  });

  it('fetches a resource under its endpoint authentication (a use of use.authentications, a secret), never journaling it', async () => {
    const server = await startLoopbackHttp((req) =>
      req.headers.authorization === 'Bearer s3cret-token' ? { body: 'console.log("private " + n)' } : { status: 401, body: 'who are you' },
    );
    servers.push(server);
    const protectedScript = (authentication: unknown) => ({
      document,
      use: { authentications: { vault: { bearer: { token: '${ $secrets.vaultToken }' } } } },
      do: [{ s: { run: { script: { language: 'js', source: { endpoint: { uri: `${server.origin}/private.js`, authentication } }, arguments: { n: 1 } } } } }],
    });
    const { engine, journal } = engineWith([`127.0.0.1:${server.port}`], undefined, { vaultToken: 's3cret-token' });
    const result = await engine.start(protectedScript({ use: 'vault' }));
    expect(result).toMatchObject({ status: 'completed', output: 'private 1' });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer s3cret-token']);
    expect(JSON.stringify(await journal.events(result.runId))).not.toContain('s3cret-token');
    const refused = (await engine.start(protectedScript({ bearer: { token: 'wrong' } })).catch((e: unknown) => e)) as WorkflowValidationError;
    expect(refused.issues).toEqual([expect.objectContaining({ path: '/do/0/s/run/script/source', message: expect.stringContaining('answered 401') })]);
    expect(await journal.list()).toHaveLength(1);
  });
});
