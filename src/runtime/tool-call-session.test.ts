import { describe, expect, it } from 'vitest';
import { builtinTools } from '../agent/tools/builtin/index.js';
import { defineTool } from '../agent/tools/tool.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel } from '../testing/scripted-model.js';
import { BaseRuntime } from './base-runtime.js';

const wipe = defineTool({
  name: 'wipe',
  description: 'needs approval',
  parameters: { type: 'object', properties: {} },
  needsApproval: true,
  execute: async () => 'wiped',
});

function runtime() {
  const store = new MemorySessionStore();
  const rt = new BaseRuntime({
    store,
    model: createScriptedModel([]),
    tools: [...builtinTools(), wipe],
    authorize: ({ principal, tool }) =>
      tool.name === 'current_time' ? { allowed: false, reason: `${principal} may not read the clock`, rule: 'deny:clock' } : { allowed: true, reason: 'test' },
  });
  return { rt, store };
}

describe('BaseRuntime.openToolSession', () => {
  it('creates no session until the first call', async () => {
    const { rt, store } = runtime();
    const calls = rt.openToolSession({ owner: 'alice' });
    expect(calls.sessionId).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });

  it('records each call in one session owned by the caller: permission, arguments, result, resources', async () => {
    const { rt, store } = runtime();
    const calls = rt.openToolSession({ owner: 'alice', metadata: { source: 'mcp' } });
    const ok = await calls.invoke({ name: 'calculator', arguments: '{"expression":"6 * 7"}' });
    expect(ok).toMatchObject({ ok: true, value: { result: 42 } });
    const denied = await calls.invoke({ name: 'current_time', arguments: '{}' });
    expect(denied).toMatchObject({ ok: false, error: { code: 'TOOL_DENIED' } });

    const sessionId = calls.sessionId;
    if (!sessionId) throw new Error('no session');
    const session = await store.load(sessionId);
    expect(session).toMatchObject({ owner: 'alice', metadata: { source: 'mcp' }, state: 'idle' });
    expect(session?.messages.some((m) => m.role === 'system')).toBe(false);
    const events = await store.events(sessionId);
    expect(events.map((e) => e.type)).toEqual([
      'session.created',
      'auth.allowed',
      'tool.started',
      'tool.completed',
      'auth.denied',
      'tool.started',
      'tool.completed',
    ]);
    expect(events[1]).toMatchObject({ permission: 'tool:invoke:calculator', principal: 'alice' });
    expect(events[2]).toMatchObject({ name: 'calculator', arguments: '{"expression":"6 * 7"}', callId: 'call_1', step: 1 });
    expect(events[3]).toMatchObject({ ok: true, output: '{"result":42}', resources: { wallMs: expect.any(Number) } });
    expect(events[4]).toMatchObject({ permission: 'tool:invoke:current_time', principal: 'alice', rule: 'deny:clock', reason: 'alice may not read the clock' });
    expect(events[6]).toMatchObject({ callId: 'call_2', ok: false, error: { code: 'TOOL_DENIED' } });
    expect(session?.usage.toolCalls).toBe(2);
  });

  it('records an approval-gated call refused for want of an approver, and one approved', async () => {
    const { rt, store } = runtime();
    const calls = rt.openToolSession({ owner: 'bob' });
    const refused = await calls.invoke({ name: 'wipe', arguments: '{}' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'TOOL_DENIED', message: 'the user did not approve this call: no approver is available' } });
    const approved = await calls.invoke({
      name: 'wipe',
      arguments: '{}',
      onApproval: async (requests) => new Map(requests.map((r) => [r.callId, { approved: true, by: 'test' }])),
    });
    expect(approved).toMatchObject({ ok: true, value: 'wiped' });
    const events = await store.events(calls.sessionId ?? '');
    const decided = events.filter((e) => e.type === 'approval.decided');
    expect(decided).toMatchObject([
      { callId: 'call_1', approved: false, by: 'system' },
      { callId: 'call_2', approved: true, by: 'test' },
    ]);
  });
});
