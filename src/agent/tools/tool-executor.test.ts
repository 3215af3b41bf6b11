import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../engine/events.js';
import { calculatorTool } from './builtin/calculator.js';
import { defineTool, type Tool } from './tool.js';
import { ToolExecutor, type ExecuteContext } from './tool-executor.js';
import { ToolRegistry } from './tool-registry.js';

function context(overrides: Partial<ExecuteContext> = {}): ExecuteContext & { events: EventPayload[] } {
  const events: EventPayload[] = [];
  return { sessionId: 's1', principal: 'ana', step: 1, signal: new AbortController().signal, emit: (e) => void events.push(e), events, ...overrides };
}

const sleepTool = defineTool<{ ms: number }>({
  name: 'sleep',
  description: 'waits',
  parameters: { type: 'object', properties: { ms: { type: 'integer', minimum: 0 } }, required: ['ms'] },
  timeoutMs: 50,
  execute: ({ ms }, { signal }) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => resolve({ slept: ms }), ms);
      signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)));
    }),
});

const throwingTool = defineTool({
  name: 'boom',
  description: 'fails',
  parameters: { type: 'object' },
  execute: () => {
    throw new Error('disk on fire');
  },
});

function executor(tools: Tool[], options: Partial<ConstructorParameters<typeof ToolExecutor>[0]> = {}): ToolExecutor {
  return new ToolExecutor({ registry: new ToolRegistry(tools), ...options });
}

describe('ToolExecutor', () => {
  it('runs a valid call and records started/completed events', async () => {
    const ctx = context();
    const [result] = await executor([calculatorTool]).execute([{ id: 'c1', name: 'calculator', arguments: '{"expression":"17*23"}' }], ctx);
    expect(result).toMatchObject({ ok: true, value: { result: 391 }, output: '{"result":391}' });
    expect(ctx.events.map((e) => e.type)).toEqual(['tool.started', 'tool.completed']);
    expect(ctx.events[1]).toMatchObject({ ok: true, callId: 'c1', output: '{"result":391}' });
  });

  it('samples the process CPU only for tools that neither report their own nor run elsewhere', async () => {
    let samples = 0;
    const cpuTime = (): number => ((samples += 1), samples * 5);
    const local = defineTool({ name: 'local', description: 'l', parameters: { type: 'object' }, execute: () => 'ok' });
    const remote: Tool = { ...local, name: 'remote', cpuTime: 'elsewhere' };
    const sandboxed: Tool = { ...local, name: 'sandboxed', cpuTime: 'reported', execute: (_args, c) => (c.reportResources?.({ cpuMs: 2 }), 'ok') };
    const ctx = context();
    const run = executor([local, remote, sandboxed], { cpuTime });
    for (const name of ['local', 'remote', 'sandboxed']) await run.execute([{ id: name, name, arguments: '{}' }], ctx);
    expect(samples).toBe(2);
    const cpu = Object.fromEntries(ctx.events.flatMap((e) => (e.type === 'tool.completed' ? [[e.name, e.resources?.cpuMs]] : [])));
    expect(cpu).toEqual({ local: 5, remote: undefined, sandboxed: 2 });
  });

  it('runs the calls of one turn in parallel', async () => {
    const nap = { ...sleepTool, name: 'nap', timeoutMs: 5_000 };
    const started = performance.now();
    const results = await executor([nap]).execute(
      [1, 2, 3].map((i) => ({ id: `c${i}`, name: 'nap', arguments: '{"ms":200}' })),
      context(),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    // One after another would take 600 ms; in parallel, about 200.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it.each([
    ['unknown tool', { name: 'nope', arguments: '{}' }, 'TOOL_NOT_FOUND', /unknown tool 'nope'; available tools: calculator/],
    ['invalid JSON', { name: 'calculator', arguments: '{"expression": ' }, 'TOOL_ARGS_INVALID', /not valid JSON/],
    ['non-object JSON', { name: 'calculator', arguments: '[1]' }, 'TOOL_ARGS_INVALID', /must be a JSON object/],
    ['schema mismatch', { name: 'calculator', arguments: '{"expression": 5}' }, 'TOOL_ARGS_INVALID', /\/expression: .*string/],
    ['missing property', { name: 'calculator', arguments: '{}' }, 'TOOL_ARGS_INVALID', /required property "expression"/i],
    ['extra property', { name: 'calculator', arguments: '{"expression":"1","x":1}' }, 'TOOL_ARGS_INVALID', /schema of 'calculator'/],
    ['a bad expression', { name: 'calculator', arguments: '{"expression":"2+"}' }, 'INVALID_INPUT', /unexpected end/],
  ])('turns %s into a structured result the model reads', async (_label, call, code, message) => {
    const [result] = await executor([calculatorTool]).execute([{ id: 'c', ...call }], context());
    expect(result?.ok).toBe(false);
    if (result?.ok !== false) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(message);
    expect(JSON.parse(result.output)).toEqual({ error: result.error });
  });

  it('reports a thrown error and a timeout, and carries on with the other calls', async () => {
    const results = await executor([throwingTool, sleepTool, calculatorTool]).execute(
      [
        { id: 'a', name: 'boom', arguments: '' },
        { id: 'b', name: 'sleep', arguments: '{"ms":10000}' },
        { id: 'c', name: 'calculator', arguments: '{"expression":"1+1"}' },
      ],
      context(),
    );
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['TOOL_FAILED', 'TOOL_TIMEOUT', 'ok']);
    expect(results[0]?.output).toContain('disk on fire');
    expect(results[1]?.output).toContain('did not finish within 50 ms');
    expect(results[1]?.durationMs).toBeLessThan(1000);
  });

  it('lets a tool suspend its deadline while it waits its turn, then gives it the whole deadline', async () => {
    // Waits 120 ms with the deadline suspended, then works 30 ms of its 50: both fit.
    const queued = defineTool({
      name: 'queued',
      description: 'waits for a slot, then works',
      parameters: { type: 'object' },
      timeoutMs: 50,
      execute: async (_args, { suspendDeadline }) => {
        const resume = suspendDeadline?.();
        await new Promise((resolve) => setTimeout(resolve, 120));
        resume?.();
        await new Promise((resolve) => setTimeout(resolve, 30));
        return 'ran';
      },
    });
    // Resumed, the deadline holds again: 120 ms of work after the wait is too long.
    const overrun = defineTool({
      ...queued,
      name: 'overrun',
      execute: async (_args, { suspendDeadline }) => {
        const resume = suspendDeadline?.();
        await new Promise((resolve) => setTimeout(resolve, 60));
        resume?.();
        await new Promise((resolve) => setTimeout(resolve, 120));
        return 'too late';
      },
    });
    const results = await executor([queued, overrun]).execute(
      [
        { id: 'a', name: 'queued', arguments: '{}' },
        { id: 'b', name: 'overrun', arguments: '{}' },
      ],
      context(),
    );
    expect(results[0]).toMatchObject({ ok: true, value: 'ran' });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'TOOL_TIMEOUT', message: "tool 'overrun' did not finish within 50 ms" } });
    // It fired 50 ms after the resume, not 50 ms after the start.
    expect(results[1]?.durationMs).toBeGreaterThan(100);
  });

  it('drops prototype-polluting keys from arguments', async () => {
    let seen: Record<string, unknown> | undefined;
    const echo = defineTool({ name: 'echo', description: 'echo', parameters: { type: 'object' }, execute: (args) => ((seen = args), Object.assign({}, args)) });
    await executor([echo]).execute([{ id: 'c', name: 'echo', arguments: '{"__proto__":{"polluted":true},"a":1}' }], context());
    expect(seen).toEqual({ a: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('denies a call the authorizer refuses and records the decision', async () => {
    const ctx = context();
    const [result] = await executor([calculatorTool], {
      authorize: ({ tool }) => ({ allowed: false, reason: `no role grants tool:invoke:${tool.name}` }),
    }).execute([{ id: 'c', name: 'calculator', arguments: '{"expression":"1"}' }], ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'TOOL_DENIED', message: 'permission denied: no role grants tool:invoke:calculator' } });
    expect(ctx.events[0]).toMatchObject({ type: 'auth.denied', permission: 'tool:invoke:calculator', principal: 'ana' });
  });

  it('asks for approval and honours a denial', async () => {
    const gated = { ...calculatorTool, needsApproval: true };
    const ctx = context({ requestApproval: async (reqs) => new Map(reqs.map((r) => [r.callId, { approved: false, by: 'ana', reason: 'not now' }])) });
    const [result] = await executor([gated]).execute([{ id: 'c', name: 'calculator', arguments: '{"expression":"1"}' }], ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'TOOL_DENIED', message: 'the user did not approve this call: not now' } });
    expect(ctx.events.map((e) => e.type)).toEqual(['approval.requested', 'approval.decided', 'tool.started', 'tool.completed']);
  });

  it('truncates huge outputs', async () => {
    const big = defineTool({ name: 'big', description: 'big', parameters: { type: 'object' }, execute: () => 'x'.repeat(1000) });
    const [result] = await executor([big], { maxOutputChars: 100 }).execute([{ id: 'c', name: 'big', arguments: '{}' }], context());
    expect(result?.output).toMatch(/^x{100}\n\[output truncated: 1000 characters in all\]$/);
  });
});

describe('ToolExecutor approvals show what will run', () => {
  const echo = defineTool<{ path: string }>({
    name: 'write_file',
    description: 'pretends to write',
    parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
    needsApproval: true,
    execute: ({ path }) => ({ wrote: path }),
  });

  it.each([
    // JSON.parse keeps the last of two equal keys; a reader of the raw text may see the first.
    ['a repeated key', '{"path":"notes.txt","path":"/home/me/.bashrc"}'],
    // A carriage return is legal JSON whitespace: on a terminal it hides what came before it.
    ['a carriage return', '{"path":"/home/me/.bashrc"\r                              }'],
  ])('with %s, the approver is asked about the parsed arguments', async (_, raw) => {
    const seen: string[] = [];
    const ctx = context({
      requestApproval: async (reqs) => {
        seen.push(...reqs.map((r) => r.arguments));
        return new Map(reqs.map((r) => [r.callId, { approved: true, by: 'ana' }]));
      },
    });
    const [result] = await executor([echo]).execute([{ id: 'c1', name: 'write_file', arguments: raw }], ctx);
    expect(result).toMatchObject({ ok: true, value: { wrote: '/home/me/.bashrc' } });
    expect(seen).toEqual(['{"path":"/home/me/.bashrc"}']);
    expect(ctx.events.find((e) => e.type === 'approval.requested')).toMatchObject({ arguments: '{"path":"/home/me/.bashrc"}' });
  });
});

describe('defineTool with a zod schema', () => {
  it('offers the model the JSON Schema, validates against it, and runs execute on the parsed value with defaults', async () => {
    const { z } = await import('zod');
    const seen: unknown[] = [];
    const search = defineTool({
      name: 'search',
      description: 'search',
      parameters: z.object({ query: z.string().min(1), limit: z.number().int().default(10) }),
      execute: (args) => {
        seen.push(args);
        return args.limit;
      },
    });
    expect(search.parameters).toMatchObject({ type: 'object', properties: { query: { type: 'string', minLength: 1 } }, required: ['query'] });
    const [ok, bad] = await executor([search]).execute(
      [
        { id: 'a', name: 'search', arguments: '{"query":"cats"}' },
        { id: 'b', name: 'search', arguments: '{"query":""}' },
      ],
      context(),
    );
    expect(ok).toMatchObject({ ok: true, value: 10 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'TOOL_ARGS_INVALID' } });
    expect(seen).toEqual([{ query: 'cats', limit: 10 }]);
  });
});
