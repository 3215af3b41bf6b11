import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type ExecuteContext, ToolExecutor } from '../../agent/tools/tool-executor.js';
import { ToolRegistry } from '../../agent/tools/tool-registry.js';
import type { EventPayload } from '../../engine/events.js';
import { McpToolSource } from '../../mcp/mcp-tool-source.js';
import { type LoadMcpOptions, mcpSourceOptions } from './load-mcp-tool-sources.js';

const fixture = resolve(import.meta.dirname, '../../../test/fixtures/mcp/misbehaving-server.mjs');
const sources: McpToolSource[] = [];

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
});

async function start(
  env: Record<string, string> = {},
  extra: { timeoutMs?: number; needsApproval?: boolean; roots?: boolean; elicitation?: boolean } = {},
  load: LoadMcpOptions = {},
): Promise<McpToolSource> {
  const source = await McpToolSource.connect({
    ...mcpSourceOptions('fx', { command: process.execPath, args: [fixture], env, ...extra }, load),
    restart: { initialDelayMs: 20, maxDelayMs: 100 },
  });
  sources.push(source);
  return source;
}

function executorFor(source: McpToolSource, defaultTimeoutMs = 5000, requestInput?: ExecuteContext['requestInput']) {
  const registry = new ToolRegistry();
  registry.replaceSource(source.name, source.tools());
  source.onChange((tools) => registry.replaceSource(source.name, tools));
  const executor = new ToolExecutor({ registry, defaultTimeoutMs });
  const events: EventPayload[] = [];
  const call = async (name: string, args: Record<string, unknown> = {}, signal = new AbortController().signal) => {
    const [result] = await executor.execute([{ id: 'c1', name, arguments: JSON.stringify(args) }], {
      sessionId: 's',
      principal: 'p',
      step: 1,
      signal,
      emit: (e) => void events.push(e),
      requestApproval: async (requests) => new Map(requests.map((r) => [r.callId, { approved: true, by: 'test' }])),
      ...(requestInput ? { requestInput } : {}),
    });
    if (!result) throw new Error('no result');
    return result;
  };
  return { registry, call, events };
}

describe('McpToolSource over stdio (a fixture server on the SDK)', () => {
  it('starts the server with a scrubbed environment: listed variables only, never the host keys', async () => {
    process.env.AGENTBOX_TEST_FAKE_SECRET = 'sk-must-not-leak';
    process.env.OPENAI_API_KEY_FAKE_FOR_TEST = 'sk-nor-this';
    process.env.AGENTBOX_TEST_PASSED = 'passed-through';
    try {
      const source = await start({ GIVEN: 'yes', FROM_HOST: '${env:AGENTBOX_TEST_PASSED}' });
      const { call } = executorFor(source);
      const result = await call('fx_env');
      expect(result.ok).toBe(true);
      const names = JSON.parse(String(result.ok && result.value)) as string[];
      expect(names).toContain('GIVEN');
      expect(names).toContain('FROM_HOST');
      expect(names).not.toContain('AGENTBOX_TEST_FAKE_SECRET');
      expect(names).not.toContain('OPENAI_API_KEY_FAKE_FOR_TEST');
      expect(names.every((n) => ['GIVEN', 'FROM_HOST', 'PATH', 'HOME', 'USER', 'SHELL', 'TERM', 'LOGNAME'].includes(n))).toBe(true);
    } finally {
      delete process.env.AGENTBOX_TEST_FAKE_SECRET;
      delete process.env.OPENAI_API_KEY_FAKE_FOR_TEST;
      delete process.env.AGENTBOX_TEST_PASSED;
    }
  });

  it('refuses an env reference to a variable that is not set, naming it', () => {
    expect(() => mcpSourceOptions('fx', { command: 'x', args: [], env: { T: '${env:AGENTBOX_SURELY_UNSET}' } })).toThrow(
      /tools\.mcp\.servers\.fx\.env\.T names the environment variable AGENTBOX_SURELY_UNSET/,
    );
  });

  it('a server that crashes mid-call fails that call with its last words, and is restarted for the next', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'mcp-fx-')), 'log');
    const source = await start({ FIXTURE_LOG: log });
    const { call } = executorFor(source);
    const crashed = await call('fx_crash');
    expect(crashed.ok).toBe(false);
    expect(!crashed.ok && crashed.error.code).toBe('TOOL_FAILED');
    expect(crashed.output).toMatch(/went away during the call.*crashing on purpose/);
    const again = await call('fx_env');
    expect(again.ok).toBe(true);
    expect(readFileSync(log, 'utf8').match(/started/g)).toHaveLength(2);
  });

  it('a call that hangs past the deadline is TOOL_TIMEOUT, and the server is told to cancel it', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'mcp-fx-')), 'log');
    const source = await start({ FIXTURE_LOG: log }, { timeoutMs: 300 });
    const { call } = executorFor(source);
    const result = await call('fx_hang');
    expect(!result.ok && result.error.code).toBe('TOOL_TIMEOUT');
    await expect.poll(() => existsSync(log) && readFileSync(log, 'utf8'), { timeout: 3000 }).toContain('hang cancelled');
  });

  it('a cancelled turn cancels the call on the server', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'mcp-fx-')), 'log');
    const source = await start({ FIXTURE_LOG: log });
    const { call } = executorFor(source);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await call('fx_hang', {}, controller.signal);
    expect(!result.ok && result.error.code).toBe('CANCELLED');
    await expect.poll(() => readFileSync(log, 'utf8'), { timeout: 3000 }).toContain('hang cancelled');
  });

  it('follows tools/list_changed: a tool the server adds joins the registry', async () => {
    const source = await start();
    const { registry, call } = executorFor(source);
    expect(registry.has('fx_late')).toBe(false);
    expect((await call('fx_add-tool', { name: 'late' })).ok).toBe(true);
    await expect.poll(() => registry.has('fx_late'), { timeout: 3000 }).toBe(true);
    const late = await call('fx_late');
    expect(late.ok && late.value).toBe('late here');
  });

  it('destructiveHint asks for approval by default; needsApproval: false turns that off', async () => {
    const hinted = await start();
    expect(hinted.tools().find((t) => t.name === 'fx_wipe')?.needsApproval).toBe(true);
    expect(hinted.tools().find((t) => t.name === 'fx_env')?.needsApproval).toBeUndefined();
    const trusted = await start({}, { needsApproval: false });
    expect(trusted.tools().find((t) => t.name === 'fx_wipe')?.needsApproval).toBeUndefined();
  });

  it('images and resource links reach the model as lines it can read', async () => {
    const source = await start();
    const { call } = executorFor(source);
    const result = await call('fx_mixed');
    expect(result.ok && result.value).toBe('see attachments\n[image image/png, 16 bytes]\n[resource link: report <file:///report.pdf> (application/pdf)]');
  });

  it('arguments are validated against the server schema before the call', async () => {
    const source = await start();
    const { call } = executorFor(source);
    const result = await call('fx_add-tool', { name: 42 });
    expect(!result.ok && result.error.code).toBe('TOOL_ARGS_INVALID');
  });

  it('a server that cannot start is TOOL_FAILED naming it', async () => {
    await expect(McpToolSource.connect(mcpSourceOptions('gone', { command: process.execPath, args: ['-e', 'process.exit(1)'], env: {} }))).rejects.toThrow(
      /cannot connect to MCP server 'gone'/,
    );
  });

  it("reports a call's progress notifications as tool.progress events, before its tool.completed", async () => {
    const source = await start();
    const { call, events } = executorFor(source);
    const result = await call('fx_progress');
    expect(result.ok && result.value).toBe('done');
    const progress = events.filter((e) => e.type === 'tool.progress');
    expect(progress).toEqual(
      [1, 2, 3].map((n) => ({ type: 'tool.progress', step: 1, callId: 'c1', name: 'fx_progress', progress: n, total: 3, message: `step ${n}` })),
    );
    expect(events.findIndex((e) => e.type === 'tool.completed')).toBeGreaterThan(events.findIndex((e) => e.type === 'tool.progress'));
  });

  it('answers roots/list with the granted directories only, as file URIs', async () => {
    const granted = mkdtempSync(join(tmpdir(), 'mcp-root-'));
    const source = await start({}, { roots: true }, { roots: [granted] });
    const { call } = executorFor(source);
    const result = await call('fx_ask-roots');
    expect(result.ok).toBe(true);
    const { roots } = JSON.parse(String(result.ok && result.value)) as { roots: Array<{ uri: string; name: string }> };
    expect(roots).toEqual([{ uri: pathToFileURL(granted).href, name: basename(granted) }]);
  });

  it('unless the server entry says roots: true, declares none, and refuses roots/list', async () => {
    const source = await start({}, {}, { roots: [mkdtempSync(join(tmpdir(), 'mcp-root-'))] });
    const result = await executorFor(source).call('fx_ask-roots');
    expect(!result.ok && result.error.message).toMatch(/roots\/list failed: .*agentbox does not serve roots\/list to MCP server 'fx'/);
  });

  it('refuses sampling and elicitation with a clear error the server passes on', async () => {
    const source = await start();
    const { call } = executorFor(source);
    const sampling = await call('fx_ask-sampling');
    expect(!sampling.ok && sampling.error).toMatchObject({
      code: 'TOOL_FAILED',
      message: expect.stringContaining("agentbox refuses sampling from MCP server 'fx': sampling is off"),
    });
    const elicitation = await call('fx_ask-elicitation');
    expect(!elicitation.ok && elicitation.error.message).toContain(
      "agentbox refuses elicitation from MCP server 'fx': no front end that can ask a person is attached",
    );
  });

  it('with a front end, puts the form to it and sends its answer back', async () => {
    const source = await start();
    const { call, events } = executorFor(source, 5000, async (request) => {
      expect(request).toMatchObject({ server: 'fx', name: 'fx_ask-elicitation', message: 'your name?' });
      return { action: 'accept', content: { name: 'Ann' }, by: 'test' };
    });
    const result = await call('fx_ask-elicitation');
    expect(result.ok && JSON.parse(String(result.value))).toEqual({ action: 'accept', content: { name: 'Ann' } });
    expect(events.map((e) => e.type)).toEqual(['tool.started', 'elicitation.requested', 'elicitation.answered', 'tool.completed']);
  });

  it('refuses a form past the bounds before anyone sees it', async () => {
    const source = await start();
    let asked = false;
    const result = await executorFor(source, 5000, async () => {
      asked = true;
      return { action: 'cancel', by: 'test' };
    }).call('fx_ask-huge-elicitation');
    expect(asked).toBe(false);
    expect(!result.ok && result.error.message).toContain(
      "agentbox refuses elicitation from MCP server 'fx': the form is not one MCP allows: requestedSchema.properties: at most 50 fields",
    );
  });

  it('declares form and URL elicitation by default, and nothing with elicitation: false', async () => {
    const declared = await executorFor(await start()).call('fx_client-capabilities');
    expect(declared.ok && JSON.parse(String(declared.value))).toMatchObject({ elicitation: { form: {}, url: {} } });
    const off = await executorFor(await start({}, { elicitation: false })).call('fx_client-capabilities');
    expect(off.ok && JSON.parse(String(off.value))).not.toHaveProperty('elicitation');
  });
});
