import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackHttp } from '../../test/helpers/loopback-http.js';
import { createRuntimeWorkflowHost } from '../runtime/create-runtime-workflow-host.js';
import { BaseRuntime } from '../runtime/base-runtime.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel } from '../testing/scripted-model.js';
import { JqEvaluator } from './jq-evaluator.js';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import type { RunEvent } from './run-events.js';
import { secretRedactor } from './redact-secrets.js';
import { WorkflowEngine } from './workflow-engine.js';

const document = { dsl: '1.0.0', namespace: 'test', name: 'secrets', version: '1.0.0' };
const token = 'tok-7f3a9c2e';

describe('secretRedactor', () => {
  it('blanks exact values in strings and keys, longest first, and leaves short values alone', () => {
    const redact = secretRedactor({ a: 'abcd', nested: { b: 'abcdef' }, short: 'xy', n: 3 });
    expect(redact?.({ 'key abcd': ['abcdef!', 'xy abcd'], n: 3, ok: true })).toEqual({ 'key [redacted]': ['[redacted]!', 'xy [redacted]'], n: 3, ok: true });
    expect(secretRedactor({ short: 'xyz' })).toBeUndefined();
  });
});

describe('$secrets', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('reach a header yet appear in no journal event, no onEvent event and not in the output', async () => {
    // The server echoes the header back: the secret comes back in the content too.
    const server = await startLoopbackHttp((req) => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: req.headers.authorization }),
    }));
    servers.push(server);
    const runtime = new BaseRuntime({ store: new MemorySessionStore(), model: createScriptedModel([]) });
    const journal = new MemoryWorkflowJournal();
    const told: RunEvent[] = [];
    const engine = new WorkflowEngine({
      journal,
      host: createRuntimeWorkflowHost(runtime),
      jq: new JqEvaluator(),
      secrets: { api: { token } },
      onEvent: (event) => told.push(event),
    });
    const result = await engine.start(
      {
        document,
        do: [
          {
            echo: {
              call: 'http',
              with: { method: 'GET', endpoint: `${server.origin}/me`, headers: { authorization: '${ "Bearer " + $secrets.api.token }' }, output: 'response' },
            },
          },
          { keep: { set: { seen: '${ .content.auth }', len: '${ $secrets.api.token | length }' } } },
          { fail: { raise: { error: { type: 'https://example.com/x', status: 400, detail: '${ "leaked " + $secrets.api.token }' } } } },
        ],
      },
      { hosts: [`127.0.0.1:${server.port}`], input: { echoOf: token } },
    );
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(result.status).toBe('faulted');
    expect(result.error?.detail).toBe('leaked [redacted]');
    const events = await journal.events(result.runId);
    expect(events.map((e) => e.type)).toContain('task.completed');
    expect(JSON.stringify(events)).not.toContain(token);
    expect(JSON.stringify(told)).not.toContain(token);
    expect(JSON.stringify(events)).toContain('Bearer [redacted]');
    const completed = events.find((e) => e.type === 'task.completed' && e.path === '/do/1/keep');
    expect(completed).toMatchObject({ output: { seen: 'Bearer [redacted]', len: token.length } });
    expect(JSON.stringify(await engine.status(result.runId))).not.toContain(token);
  });

  it('are redacted from a completed run’s output', async () => {
    const engine = new WorkflowEngine({
      journal: new MemoryWorkflowJournal(),
      host: createRuntimeWorkflowHost(new BaseRuntime({ store: new MemorySessionStore(), model: createScriptedModel([]) })),
      secrets: { token },
    });
    const result = await engine.start({ document, do: [{ out: { set: { t: '${ $secrets.token }' } } }] });
    expect(result).toMatchObject({ status: 'completed', output: { t: '[redacted]' } });
  });
});
