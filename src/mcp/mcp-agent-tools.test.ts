import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinTools } from '../agent/tools/builtin/index.js';
import { defineTool } from '../agent/tools/tool.js';
import { createAuthorizer } from '../auth/authorizer.js';
import { createToolCallAuthorizer, toolPermission } from '../auth/create-tool-call-authorizer.js';
import { createMemoryPromptLoader } from '../prompt/memory-prompt-loader.js';
import { createPromptRenderer } from '../prompt/create-prompt-renderer.js';
import { BaseRuntime } from '../runtime/base-runtime.js';
import { accessSession } from '../server/session-access.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel, type ScriptedAnswer } from '../testing/scripted-model.js';
import { createMcpServer, type CreateMcpServerOptions } from './create-mcp-server.js';
import { McpAgentTools, type McpAgent } from './mcp-agent-tools.js';

const wipe = defineTool({
  name: 'wipe',
  description: 'needs approval',
  parameters: { type: 'object', properties: {} },
  needsApproval: true,
  execute: async () => 'wiped',
});

const authorizer = createAuthorizer({
  roles: { toolsOnly: { allow: ['tool:invoke:*', 'session:*:own'] }, asker: { allow: ['agent:ask:agent', 'tool:invoke:calculator'] } },
  principals: { ann: { roles: ['user'] }, bob: { roles: ['user'] }, tess: { roles: ['toolsOnly'] }, nosession: { roles: ['asker'] } },
});

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

function setup(script: ScriptedAnswer[], agents: McpAgent[] = [{ name: 'agent' }]) {
  const model = createScriptedModel(script);
  const runtime = new BaseRuntime({
    store: new MemorySessionStore(),
    model,
    system: 'You are helpful.',
    tools: [...builtinTools(), wipe],
    authorize: createToolCallAuthorizer(authorizer),
    prompts: createPromptRenderer(
      createMemoryPromptLoader({ terse: '---\ndescription: x\n---\n{{role "system"}}Answer tersely.\n{{history}}{{role "user"}}{{message}}' }),
    ),
  });
  const tools = new McpAgentTools({
    agents,
    runtime,
    decide: (principal, permission) => authorizer.decide(principal, permission),
    writableSession: (principal, id) => accessSession({ runtime, authorizer }, principal, id, 'write'),
  });
  const connect = async (principal: string, onApproval?: CreateMcpServerOptions['onApproval']): Promise<Client> => {
    const server = createMcpServer({
      runtime,
      principal,
      agents: tools,
      ...(onApproval ? { onApproval } : {}),
      mayInvoke: (p, t) => authorizer.decide(p, toolPermission(t)).allowed,
      metadata: { transport: 'memory' },
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    const client = new Client({ name: 'unit', version: '1' });
    await client.connect(b);
    clients.push(client);
    return client;
  };
  return { model, runtime, connect };
}

const ask = (client: Client, name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;

describe('ask_<agent> tools', () => {
  it('are listed only for a principal holding agent:ask:<name> and session:write:own, with input and output schemas', async () => {
    const { connect } = setup([], [{ name: 'agent' }, { name: 'terse', description: 'Terse answers' }]);
    const ann = (await (await connect('ann')).listTools()).tools;
    expect(ann.map((t) => t.name).slice(0, 2)).toEqual(['ask_agent', 'ask_terse']);
    expect(ann[1]?.description).toBe('Terse answers');
    expect(ann[0]).toMatchObject({ inputSchema: { required: ['message'] }, outputSchema: { required: ['text', 'sessionId'] } });
    // Tools but no agent:ask; agent:ask but no session:write:own.
    expect((await (await connect('tess')).listTools()).tools.map((t) => t.name)).not.toContain('ask_agent');
    const noSession = await connect('nosession');
    expect((await noSession.listTools()).tools.map((t) => t.name)).toEqual(['calculator']);
    const refused = await ask(noSession, 'ask_agent', { message: 'hi' });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain('TOOL_DENIED');
  });

  it('runs a turn in a new session owned by the caller, then continues it by sessionId; the model sees the first turn', async () => {
    const { connect, runtime, model } = setup([{ text: 'Paris.' }, { text: 'About 2.1 million.' }]);
    const ann = await connect('ann');
    const first = await ask(ann, 'ask_agent', { message: 'Capital of France?' });
    expect(first.isError).toBeFalsy();
    expect(first.content).toEqual([{ type: 'text', text: 'Paris.' }]);
    const sessionId = (first.structuredContent as { sessionId: string }).sessionId;
    expect(first.structuredContent).toEqual({ text: 'Paris.', sessionId });
    const session = await runtime.getSession(sessionId);
    expect(session).toMatchObject({
      owner: 'ann',
      state: 'completed',
      metadata: { source: 'mcp', agent: 'agent', transport: 'memory', client: { name: 'unit' } },
    });
    const second = await ask(ann, 'ask_agent', { message: 'Its population?', sessionId });
    expect(second.structuredContent).toEqual({ text: 'About 2.1 million.', sessionId });
    expect(model.requests[1]?.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', 'You are helpful.'],
      ['user', 'Capital of France?'],
      ['assistant', 'Paris.'],
      ['user', 'Its population?'],
    ]);
    // The ask calls themselves are in the connection's log, like any MCP call: who, the permission, arguments, result.
    const log = String(first._meta?.['agentbox/sessionId']);
    expect(log).not.toBe(sessionId);
    expect(second._meta?.['agentbox/sessionId']).toBe(log);
    const calls = await runtime.events(log);
    expect(calls.map((e) => e.type)).toEqual([
      'session.created',
      'auth.allowed',
      'tool.started',
      'tool.completed',
      'auth.allowed',
      'tool.started',
      'tool.completed',
    ]);
    expect(calls[1]).toMatchObject({ principal: 'ann', permission: 'agent:ask:agent', rule: expect.stringContaining('agent:ask:*') });
    expect(calls[2]).toMatchObject({ name: 'ask_agent', arguments: '{"message":"Capital of France?"}' });
    expect(calls[3]).toMatchObject({ ok: true, output: JSON.stringify({ text: 'Paris.', sessionId }) });
  });

  it("refuses another principal's session, as if it did not exist, and leaves it untouched", async () => {
    const { connect, runtime } = setup([{ text: 'mine' }]);
    const first = await ask(await connect('ann'), 'ask_agent', { message: 'hello' });
    const sessionId = (first.structuredContent as { sessionId: string }).sessionId;
    const before = await runtime.events(sessionId);
    const stolen = await ask(await connect('bob'), 'ask_agent', { message: 'what did ann say?', sessionId });
    expect(stolen.isError).toBe(true);
    const text = (stolen.content as Array<{ text: string }>)[0]?.text ?? '';
    expect(JSON.parse(text)).toEqual({
      error: { code: 'SESSION_NOT_FOUND', message: `no session ${sessionId} that bob may write: it does not exist or belongs to another principal` },
    });
    expect(await runtime.events(sessionId)).toEqual(before);
  });

  it('refuses bad arguments with TOOL_ARGS_INVALID naming the field, before any session is made', async () => {
    const { connect, runtime } = setup([]);
    const ann = await connect('ann');
    for (const args of [{}, { message: '   ' }, { message: 'x'.repeat(100_001) }, { message: 'hi', sessionId: '../etc' }, { message: 'hi', extra: 1 }]) {
      const result = await ask(ann, 'ask_agent', args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect((result.content as Array<{ text: string }>)[0]?.text).toMatch(/TOOL_ARGS_INVALID.*arguments do not match the schema of 'ask_agent'/s);
    }
    // Only the connection's log, with each refused call: no session was made for a turn.
    const sessions = await runtime.listSessions();
    expect(sessions).toHaveLength(1);
    const log = await runtime.events(sessions[0]?.id ?? '');
    expect(log.filter((e) => e.type === 'tool.completed').map((e) => e.type === 'tool.completed' && e.error?.code)).toEqual(Array(5).fill('TOOL_ARGS_INVALID'));
  });

  it('refuses an approval-gated call inside the turn with the reason, and the turn goes on to answer', async () => {
    const { connect, runtime } = setup([{ toolCalls: [{ name: 'wipe', arguments: '{}' }] }, { text: 'I could not wipe it.' }]);
    const result = await ask(await connect('ann'), 'ask_agent', { message: 'wipe everything' });
    expect(result.structuredContent).toMatchObject({ text: 'I could not wipe it.' });
    const events = await runtime.events((result.structuredContent as { sessionId: string }).sessionId);
    expect(events.find((e) => e.type === 'approval.decided')).toMatchObject({
      approved: false,
      by: 'system',
      reason: expect.stringContaining('nobody can approve a call over MCP'),
    });
    expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({ name: 'wipe', ok: false, error: { code: 'TOOL_DENIED' } });
  });

  it("lets the server's own approver (mcp serve --yes) decide approval-gated calls inside the turn", async () => {
    const { connect, runtime } = setup([{ toolCalls: [{ name: 'wipe', arguments: '{}' }] }, { text: 'Wiped.' }]);
    const yes = async (requests: Array<{ callId: string }>) => new Map(requests.map((r) => [r.callId, { approved: true, by: 'mcp serve --yes' }]));
    const result = await ask(await connect('ann', yes), 'ask_agent', { message: 'wipe it' });
    const events = await runtime.events((result.structuredContent as { sessionId: string }).sessionId);
    expect(events.find((e) => e.type === 'approval.decided')).toMatchObject({ approved: true, by: 'mcp serve --yes' });
    expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({ name: 'wipe', ok: true, output: 'wiped' });
  });

  it("runs a stored prompt's agent with the message as its input, in a session without the default system prompt", async () => {
    const { connect, model } = setup([{ text: 'Yes.' }], [{ name: 'terse' }]);
    const result = await ask(await connect('ann'), 'ask_terse', { message: 'Is water wet?' });
    expect(result.structuredContent).toMatchObject({ text: 'Yes.' });
    expect(model.requests[0]?.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', 'Answer tersely.'],
      ['user', 'Is water wet?'],
    ]);
  });

  it('reports a failed turn as isError with its code and the session it ran in', async () => {
    const { connect, runtime } = setup([{ error: new Error('boom at /secret/path') }]);
    const result = await ask(await connect('ann'), 'ask_agent', { message: 'hi' });
    expect(result.isError).toBe(true);
    const body = JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? '') as { error: { code: string; message: string } };
    // A non-agentbox error's text (here a path) is not shown; the session it ran in is.
    expect(body.error.code).toBe('TOOL_FAILED');
    expect(body.error.message).toMatch(/^the turn failed with an internal error \(the turn ran in session [\w-]+\)$/);
    const sessionId = /session ([\w-]+)\)/.exec(body.error.message)?.[1] ?? '';
    expect((await runtime.getSession(sessionId))?.state).toBe('failed');
    expect((await runtime.events(sessionId)).find((e) => e.type === 'llm.failed')).toBeDefined();
  });

  it("refuses the connection's own tool-call log as the session (SESSION_NOT_CONVERSATION), a busy session, and a missing prompt", async () => {
    const { connect, runtime } = setup([{ toolCalls: [{ name: 'wipe', arguments: '{}' }] }, { text: 'done' }], [{ name: 'agent' }, { name: 'missing' }]);
    const ann = await connect('ann');
    const calc = await ann.callTool({ name: 'calculator', arguments: { expression: '1 + 1' } });
    const log = String(calc._meta?.['agentbox/sessionId']);
    const refused = await ask(ann, 'ask_agent', { message: 'continue the log', sessionId: log });
    expect((refused.content as Array<{ text: string }>)[0]?.text).toContain('"code":"SESSION_NOT_CONVERSATION"');

    const { id } = await runtime.createSession({ owner: 'ann' });
    // A turn of the runtime's own (as /v1 starts one) waits for an approval while the ask comes in.
    const other = runtime.process({ sessionId: id, input: 'hold on' });
    while (runtime.pendingApprovals(id).length === 0) await new Promise((r) => setTimeout(r, 5));
    const busy = await ask(ann, 'ask_agent', { message: 'me too', sessionId: id });
    expect((busy.content as Array<{ text: string }>)[0]?.text).toContain('"code":"SESSION_BUSY"');
    runtime.decide(id, runtime.pendingApprovals(id)[0]?.callId ?? '', { approved: true, by: 'ann' });
    expect((await other).state).toBe('completed');

    const missing = await ask(ann, 'ask_missing', { message: 'hello' });
    expect(missing.isError).toBe(true);
    expect((missing.content as Array<{ text: string }>)[0]?.text).toMatch(/"code":"NOT_FOUND".*no prompt named missing/);
    // The session made for it is gone again: only the tool-call log and the busy one remain.
    expect((await runtime.listSessions()).map((s) => s.id).sort()).toEqual([log, id].sort());
  });
});
