/** The workflow routes of `agentbox serve`, over a real socket on 127.0.0.1. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type AgentboxConfigInput } from '../src/config/config-schema.js';
import { SqliteWorkflowJournal } from '../src/node/store/sqlite-workflow-journal.js';
import { sha256Hex } from '../src/node/server/sha256-hex.js';
import { startServer, type RunningServer } from '../src/node/server/start-server.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { createRuntimeWorkflowHost } from '../src/runtime/create-runtime-workflow-host.js';
import { WorkflowEngine } from '../src/workflow/workflow-engine.js';
import { AgentboxError } from '../src/errors/agentbox-error.js';
import { readSse, type SseMessage } from './helpers/server-harness.js';

let llm: ScriptedLlmServer;
let running: RunningServer | undefined;
let dir: string;
beforeAll(async () => {
  llm = await startScriptedLlmServer();
  dir = await mkdtemp(join(tmpdir(), 'agentbox-server-workflows-'));
});
afterEach(async () => {
  await running?.close({ timeoutMs: 1000 });
  running = undefined;
});
afterAll(async () => {
  await llm.close();
  await rm(dir, { recursive: true, force: true });
});

const doc = { dsl: '1.0.0', namespace: 'test', name: 'w', version: '1.0.0' };
const greet = { document: doc, do: [{ greet: { set: { message: '${ "Hello, " + .name }' } } }] };
const approval = {
  document: { ...doc, name: 'approval' },
  do: [
    { draft: { set: { draft: '${ "about " + .subject }' }, export: { as: '${ { draft: .draft } }' } } },
    { approval: { listen: { to: { one: { with: { type: 'approval' } } } } } },
    {
      decide: {
        switch: [{ approved: { when: '${ .approved == true }', then: 'publish' } }, { rejected: { then: 'rejected' } }],
      },
    },
    { publish: { set: { published: '${ $context.draft }' }, then: 'end' } },
    { rejected: { set: { published: null } } },
  ],
};

const keys = { alice: 'key-alice-0123456789', bob: 'key-bob-0123456789', admin: 'key-admin-0123456789', reader: 'key-reader-0123456789' };

async function start(extra: AgentboxConfigInput = {}, keyed = false): Promise<RunningServer> {
  const config = configSchema.parse({
    llm: { baseUrl: llm.url, model: 'm', maxRetries: 0 },
    store: { kind: 'memory' },
    ...(keyed
      ? {
          server: {
            apiKeys: [
              { sha256: sha256Hex(keys.alice), principal: 'alice' },
              { sha256: sha256Hex(keys.bob), principal: 'bob' },
              { sha256: sha256Hex(keys.admin), principal: 'root' },
              { sha256: sha256Hex(keys.reader), principal: 'reader' },
            ],
          },
          auth: {
            roles: { readonly: { allow: ['session:read:own', 'workflow:read:own'] } },
            principals: { alice: { roles: ['user'] }, bob: { roles: ['user'] }, root: { roles: ['admin'] }, reader: { roles: ['readonly'] } },
          },
        }
      : {}),
    ...extra,
  });
  running = await startServer({ config, port: 0 });
  return running;
}

function call(path: string, init: { method?: string; json?: unknown; key?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${running!.url}${path}`, {
    method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
}

interface RunJson {
  runId: string;
  status: string;
  output?: unknown;
  error?: { type: string; instance?: string };
  principal: string;
  tasks: Array<{ path: string; name: string; status: string }>;
  waiting: Array<{ key: string; path: string; to?: unknown }>;
}

async function startRun(definition: unknown, input: unknown = {}, key?: string): Promise<string> {
  const res = await call('/v1/workflows/runs', { json: { definition, input }, ...(key ? { key } : {}) });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = (await res.json()) as { runId: string; status: string };
  expect(body.status).toBe('running');
  return body.runId;
}

/** Polls the run until `done` says so (5 s at most). */
async function poll(runId: string, done: (run: RunJson) => boolean, key?: string): Promise<RunJson> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await call(`/v1/workflows/runs/${runId}`, key ? { key } : {});
    expect(res.status).toBe(200);
    const run = (await res.json()) as RunJson;
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const waitingForApproval = (run: RunJson): boolean => run.waiting.length > 0;

describe('workflow runs over HTTP', () => {
  it('starts a run in the background, polls it to completion, gets and lists it', async () => {
    await start();
    const runId = await startRun(greet, { name: 'Ada' });
    const run = await poll(runId, (r) => r.status !== 'running');
    expect(run).toMatchObject({ runId, status: 'completed', output: { message: 'Hello, Ada' }, principal: 'local', waiting: [] });
    expect(run.tasks).toEqual([{ path: '/do/0/greet', name: 'greet', status: 'completed' }]);
    // A YAML definition works the same.
    const yaml = `document: { dsl: "1.0.0", namespace: test, name: y, version: "1.0.0" }\ndo:\n  - two:\n      set: { n: 2 }\n`;
    const second = await startRun(yaml);
    expect((await poll(second, (r) => r.status !== 'running')).output).toEqual({ n: 2 });

    const list = (await (await call('/v1/workflows/runs')).json()) as { data: Array<{ runId: string; status: string; workflow: string; principal: string }> };
    expect(list.data.map((r) => r.runId).sort()).toEqual([runId, second].sort());
    expect(list.data.find((r) => r.runId === runId)).toMatchObject({ workflow: 'test/w', status: 'completed', principal: 'local' });
    const none = (await (await call('/v1/workflows/runs?status=running')).json()) as { data: unknown[] };
    expect(none.data).toEqual([]);
    expect((await call('/v1/workflows/runs?status=nope')).status).toBe(400);
    expect((await call('/v1/workflows/runs/no-such-run')).status).toBe(404);
  });

  it('runs call: llm through the runtime', async () => {
    await start();
    llm.enqueue({ type: 'text', text: 'tides are tidy' });
    const runId = await startRun({ document: doc, do: [{ ask: { call: 'llm', with: { prompt: 'tides?' } } }] });
    expect((await poll(runId, (r) => r.status !== 'running')).output).toEqual({ content: 'tides are tidy' });
  });

  it('refuses an invalid definition with 400, each issue naming its task path, and writes nothing', async () => {
    await start();
    const res = await call('/v1/workflows/runs', {
      json: { definition: { document: doc, do: [{ ok: { set: { a: 1 } } }, { jump: { set: { a: 2 }, then: 'nowhere' } }] } },
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; details: { issues: Array<{ path: string; code: string }> } } };
    expect(error.code).toBe('WORKFLOW_INVALID');
    expect(error.details.issues).toContainEqual(expect.objectContaining({ path: '/do/1/jump/then', code: 'unknown-target' }));
    const notYaml = await call('/v1/workflows/runs', { json: { definition: 'do: [' } });
    expect(notYaml.status).toBe(400);
    // The body itself is checked at the edge.
    const bad = await call('/v1/workflows/runs', { json: { definition: 42 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    expect(((await (await call('/v1/workflows/runs')).json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('RBAC: no workflow:run is 403; another user’s run is 404 unless workflow:read:any', async () => {
    await start({}, true);
    const denied = await call('/v1/workflows/runs', { key: keys.reader, json: { definition: greet } });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect((await call('/v1/workflows/runs', { json: { definition: greet } })).status).toBe(401);

    const runId = await startRun(approval, { subject: 'x' }, keys.alice);
    const run = await poll(runId, waitingForApproval, keys.alice);
    expect(run.principal).toBe('alice');
    for (const path of [`/v1/workflows/runs/${runId}`, `/v1/workflows/runs/${runId}/events`]) {
      const res = await call(path, { key: keys.bob, headers: { accept: 'application/json' } });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('WORKFLOW_RUN_NOT_FOUND');
    }
    expect((await call(`/v1/workflows/runs/${runId}/events`, { key: keys.bob, json: { approved: true } })).status).toBe(404);
    expect((await call(`/v1/workflows/runs/${runId}/cancel`, { key: keys.bob, method: 'POST' })).status).toBe(404);
    const bobs = (await (await call('/v1/workflows/runs', { key: keys.bob })).json()) as { data: unknown[] };
    expect(bobs.data).toEqual([]);
    // The admin (workflow:read:any through `*`) sees it and its owner.
    expect((await call(`/v1/workflows/runs/${runId}`, { key: keys.admin })).status).toBe(200);
    const all = (await (await call('/v1/workflows/runs', { key: keys.admin })).json()) as { data: Array<{ runId: string; principal: string }> };
    expect(all.data).toEqual([expect.objectContaining({ runId, principal: 'alice' })]);
    // The reader may read its own runs but not cancel or drive them; it has none.
    expect(((await (await call('/v1/workflows/runs', { key: keys.reader })).json()) as { data: unknown[] }).data).toEqual([]);
    expect((await call(`/v1/workflows/runs/${runId}/cancel`, { key: keys.alice, method: 'POST' })).status).toBe(200);
  });

  it('an approval posted to a waiting listen lets the run finish', async () => {
    await start();
    const runId = await startRun(approval, { subject: 'the launch' });
    const waiting = await poll(runId, waitingForApproval);
    expect(waiting.waiting).toEqual([{ key: '/do/1/approval', path: '/do/1/approval', name: 'approval', to: { one: { with: { type: 'approval' } } } }]);
    expect(waiting.tasks.map((t) => [t.name, t.status])).toEqual([
      ['draft', 'completed'],
      ['approval', 'running'],
    ]);
    const posted = await call(`/v1/workflows/runs/${runId}/events`, { json: { approved: true, reason: 'fine' } });
    expect(posted.status).toBe(202);
    expect(await posted.json()).toEqual({ runId, seq: 1 });
    const done = await poll(runId, (r) => r.status !== 'running');
    expect(done).toMatchObject({ status: 'completed', output: { published: 'about the launch' }, waiting: [] });
    // A finished run takes no more events; an event needs a type.
    expect((await call(`/v1/workflows/runs/${runId}/events`, { json: { type: 'approval' } })).status).toBe(409);
    expect((await call(`/v1/workflows/runs/${runId}/events`, { json: { data: {} } })).status).toBe(400);
  });

  it('cancel stops a waiting run at once; a finished run is 409', async () => {
    await start();
    const runId = await startRun(approval, { subject: 'x' });
    await poll(runId, waitingForApproval);
    const res = await call(`/v1/workflows/runs/${runId}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ runId, status: 'cancelled', cancelled: true });
    const run = await poll(runId, () => true);
    expect(run.status).toBe('cancelled');
    expect(run.tasks.find((t) => t.name === 'approval')?.status).toBe('cancelled');
    const again = await call(`/v1/workflows/runs/${runId}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('WORKFLOW_RUN_FINISHED');
  });

  it('streams the journal as SSE, live; Last-Event-ID resumes after it with no gap and no duplicate', async () => {
    await start();
    const runId = await startRun(approval, { subject: 'x' });
    await poll(runId, waitingForApproval);
    const first: SseMessage[] = [];
    const stream = await call(`/v1/workflows/runs/${runId}/events`, { headers: { accept: 'text/event-stream' } });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    // The stored backlog: run.started, draft started and completed, approval started.
    for await (const m of readSse(stream)) {
      first.push(m);
      if (m.event === 'task.started' && JSON.parse(m.data).name === 'approval') break;
    }
    expect(first.map((m) => m.event)).toEqual(['run.started', 'task.started', 'task.completed', 'task.started']);
    const ids = first.map((m) => Number(m.id));
    expect(ids).toEqual([1, 2, 3, 4]);

    // Reconnect after event 2 and keep reading while the approval arrives: live events follow.
    const resumed = await call(`/v1/workflows/runs/${runId}/events`, { headers: { accept: 'text/event-stream', 'last-event-id': '2' } });
    const rest: SseMessage[] = [];
    let posted = false;
    for await (const m of readSse(resumed)) {
      rest.push(m);
      if (Number(m.id) === 4 && !posted) {
        posted = true;
        expect((await call(`/v1/workflows/runs/${runId}/events`, { json: { approved: false } })).status).toBe(202);
      }
    }
    // The stream ended by itself, after the run's last event.
    const restIds = rest.map((m) => Number(m.id));
    expect(restIds[0]).toBe(3);
    expect(restIds).toEqual(restIds.map((_, i) => 3 + i));
    expect(rest.at(-1)?.event).toBe('run.completed');
    expect(rest.map((m) => m.event)).toContain('event.consumed');
    for (const m of rest) expect(JSON.parse(m.data)).toMatchObject({ runId, seq: Number(m.id), type: m.event });
    const output = JSON.parse(rest.at(-1)!.data) as { output: unknown };
    expect(output.output).toEqual({ published: null });

    // A finished run's stream sends what is after the id, then ends; `?after=` does the same.
    const tail = await call(`/v1/workflows/runs/${runId}/events?after=${restIds.at(-2)}`, { headers: { accept: 'text/event-stream' } });
    const tailMessages: SseMessage[] = [];
    for await (const m of readSse(tail)) tailMessages.push(m);
    expect(tailMessages.map((m) => Number(m.id))).toEqual([restIds.at(-1)]);
    const json = (await (await call(`/v1/workflows/runs/${runId}/events`, { headers: { accept: 'application/json' } })).json()) as {
      data: Array<{ seq: number }>;
    };
    expect(json.data.map((e) => e.seq)).toEqual([1, 2, ...restIds]);
  });

  it('resumes a run a dead process left running, which then takes an approval and completes', async () => {
    const path = join(dir, 'resume.db');
    // Another "process" starts the run and is stopped while it waits (suspended: no end recorded).
    const journal = SqliteWorkflowJournal.open(path);
    const host = createRuntimeWorkflowHost({ invokeTool: never, model: { stream: never } as never, process: never } as never);
    const other = new WorkflowEngine({ journal, host, holder: 'elsewhere', leaseTtlMs: 50 });
    const stop = new AbortController();
    const started = other.start(approval, { input: { subject: 'resumed' }, principal: 'local', signal: stop.signal }).catch((e: unknown) => e);
    let runId = '';
    for (let i = 0; i < 100 && !runId; i += 1) {
      const [run] = await journal.list();
      if (run) runId = run.runId;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Wait until the listen has started, then stop that process.
    for (let i = 0; i < 100; i += 1) {
      if ((await journal.events(runId)).some((e) => e.type === 'task.started' && e.path === '/do/1/approval')) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    stop.abort(new AgentboxError('WORKFLOW_RUN_BUSY', 'stopping'));
    expect(await started).toMatchObject({ code: 'WORKFLOW_RUN_BUSY' });
    await other.close();
    await journal.close();
    await new Promise((resolve) => setTimeout(resolve, 60)); // its lease lapses

    await start({ store: { kind: 'sqlite', path } });
    const before = await poll(runId, () => true);
    expect(before.status).toBe('running');
    const res = await call(`/v1/workflows/runs/${runId}/resume`, { method: 'POST' });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await res.json()).toEqual({ runId, status: 'running' });
    // A second resume while it runs here is refused.
    expect((await call(`/v1/workflows/runs/${runId}/resume`, { method: 'POST' })).status).toBe(409);
    await poll(runId, waitingForApproval);
    expect((await call(`/v1/workflows/runs/${runId}/events`, { json: { approved: true } })).status).toBe(202);
    const done = await poll(runId, (r) => r.status !== 'running');
    expect(done).toMatchObject({ status: 'completed', output: { published: 'about resumed' } });
    // The draft ran once, before the crash: its record was replayed, not run again.
    expect(done.tasks.filter((t) => t.name === 'draft')).toHaveLength(1);
    // Resuming a finished run answers its status.
    const finished = await call(`/v1/workflows/runs/${runId}/resume`, { method: 'POST' });
    expect(finished.status).toBe(200);
    expect(await finished.json()).toEqual({ runId, status: 'completed' });
  });
});

function never(): never {
  throw new Error('not used by this workflow');
}
