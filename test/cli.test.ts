import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { isolatedEnv, runCli, startCli } from './helpers/run-cli.js';

let llm: ScriptedLlmServer;
let env: Record<string, string>;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
});
afterAll(() => llm.close());
beforeEach(() => {
  // Each test consumes exactly what it scripts; a leftover would leak into the next test.
  expect(llm.pending).toBe(0);
  env = isolatedEnv({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-test-secret-123', AGENTBOX_MODEL: 'test-model' });
});

const calculatorCall = { type: 'tool-calls' as const, calls: [{ name: 'calculator', arguments: { expression: '17 * 23' } }], chunks: 4 };

async function storedSession(
  id: string,
): Promise<{ session: { state: string; messages: Array<{ role: string; content: string }> }; events: Array<{ type: string; seq: number }> }> {
  const shown = await runCli(['session', 'show', id, '--json'], { env });
  expect(shown.code).toBe(0);
  return JSON.parse(shown.stdout) as never;
}

function sessionIdFrom(stderr: string): string {
  const match = /session ([0-9a-f-]{36})/.exec(stderr);
  expect(match, `no session id in: ${stderr}`).not.toBeNull();
  return match![1]!;
}

describe('agentbox run', () => {
  it('streams an answer that used the calculator, and stores the session', async () => {
    llm.enqueue(calculatorCall, { type: 'text', text: '17 * 23 = 391.', chunks: 5 });
    const result = await runCli(['run', 'What is 17 * 23? Use the calculator.'], { env });
    expect(result.stderr).toContain('→ calculator({"expression":"17 * 23"})');
    expect(result.stderr).toContain('← {"result":391}');
    expect(result.stdout).toBe('17 * 23 = 391.\n');
    expect(result.code).toBe(0);
    // The model got the tool result back and the key as a bearer token.
    const second = llm.requests.at(-1)!;
    expect(second.body.messages?.at(-1)).toMatchObject({ role: 'tool', content: '{"result":391}' });
    expect(second.headers.authorization).toBe('Bearer sk-test-secret-123');

    const id = sessionIdFrom(result.stderr);
    const { session, events } = await storedSession(id);
    expect(session.state).toBe('completed');
    expect(session.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // Secrets never reach the store.
    const dbText = readFileSync(join(env.AGENTBOX_HOME!, 'sessions.db')).toString('latin1');
    expect(dbText).not.toContain('sk-test-secret-123');

    const list = await runCli(['session', 'list'], { env });
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('What is 17 * 23? Use the calculator.');

    const md = await runCli(['session', 'export', id, '--format', 'md'], { env });
    expect(md.stdout).toContain('## User\n\nWhat is 17 * 23? Use the calculator.');
    expect(md.stdout).toContain('**tool calculator** →');
    const jsonl = await runCli(['session', 'export', id, '--format', 'jsonl'], { env });
    const lines = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number });
    expect(lines.map((l) => l.seq)).toEqual(events.map((e) => e.seq));
  });

  it('prints the finished session as JSON with --json, reading the message from stdin', async () => {
    llm.enqueue({ type: 'text', text: 'hello back' });
    const result = await runCli(['run', '--json'], { env, input: 'hello from stdin' });
    expect(result.code).toBe(0);
    const session = JSON.parse(result.stdout) as { state: string; messages: Array<{ content: string }> };
    expect(session.state).toBe('completed');
    expect(session.messages.map((m) => m.content)).toEqual(['hello from stdin', 'hello back']);
  });

  it('continues a session with --session', async () => {
    llm.enqueue({ type: 'text', text: 'first' }, { type: 'text', text: 'second' });
    const first = await runCli(['run', 'one'], { env });
    const id = sessionIdFrom(first.stderr);
    const second = await runCli(['run', '--session', id, 'two'], { env });
    expect(second.stdout).toBe('second\n');
    expect(llm.requests.at(-1)!.body.messages?.map((m) => m.content)).toEqual(['one', 'first', 'two']);
  });

  it('retries a 429 honouring Retry-After, then answers', async () => {
    llm.enqueue({ type: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '1' } }, { type: 'text', text: 'after the wait' });
    const started = Date.now();
    const result = await runCli(['run', 'hi'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('after the wait\n');
    expect(result.stderr).toMatch(/\(retry 1 in 1\.0 s: .*slow down/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('reports a malformed stream as LLM_PROTOCOL with exit code 4, keeping the session intact', async () => {
    llm.enqueue({ type: 'malformed', text: 'partial ' });
    const result = await runCli(['run', 'hi'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/error LLM_PROTOCOL: /);
    const list = await runCli(['session', 'list', '--json'], { env });
    const [summary] = JSON.parse(list.stdout) as Array<{ id: string; state: string }>;
    expect(summary?.state).toBe('failed');
    const { events } = await storedSession(summary!.id);
    expect(events.map((e) => e.type).slice(-3)).toEqual(['llm.failed', 'turn.failed', 'state.changed']);
  });

  it('reports a stream that stops halfway, with exit code 4 and the session stored', async () => {
    llm.enqueue({ type: 'cut', text: 'this answer will be cut off in the middle', chunks: 6, after: 3 });
    // No retry: the stream had started delivering text.
    const result = await runCli(['run', 'hi'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/error LLM_PROTOCOL: .*lost mid-response/);
    const list = JSON.parse((await runCli(['session', 'list', '--json'], { env })).stdout) as Array<{ state: string }>;
    expect(list[0]?.state).toBe('failed');
  });

  it('lets the model recover from an unknown tool and invalid JSON arguments', async () => {
    llm.enqueue(
      {
        type: 'tool-calls',
        calls: [
          { name: 'teleport', arguments: {} },
          { name: 'calculator', arguments: '{"expression": "1+' },
        ],
      },
      { type: 'text', text: 'recovered' },
    );
    const result = await runCli(['run', 'go'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('recovered\n');
    expect(result.stderr).toContain("✗ TOOL_NOT_FOUND: unknown tool 'teleport'");
    expect(result.stderr).toContain('✗ TOOL_ARGS_INVALID: arguments are not valid JSON');
    const toolMessages = llm.requests.at(-1)!.body.messages!.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => JSON.parse(m.content as string).error.code)).toEqual(['TOOL_NOT_FOUND', 'TOOL_ARGS_INVALID']);
  });

  it('ends a runaway tool loop with MAX_STEPS and exit code 5', async () => {
    llm.enqueue(calculatorCall, calculatorCall);
    const result = await runCli(['run', '--max-steps', '2', 'loop'], { env });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('error MAX_STEPS: stopped after 2 model calls');
  });

  it('says which endpoint it could not reach and how to configure one (exit 4)', async () => {
    const port = await closedPort();
    const result = await runCli(['run', '--base-url', `http://127.0.0.1:${port}/v1`, 'hi'], { env: isolatedEnv() });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`error LLM_UNREACHABLE: cannot reach the LLM at http://127.0.0.1:${port}/v1`);
    expect(result.stderr).toContain('OPENAI_BASE_URL');
  });

  it('with nothing configured, tries the local Ollama default and explains', async () => {
    const result = await runCli(['run', 'hi'], { env: isolatedEnv() });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('no LLM endpoint is configured and no local Ollama answers at http://127.0.0.1:11434/v1');
  });

  it('refuses an empty message with exit code 2', async () => {
    const result = await runCli(['run'], { env, input: '   ' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error INVALID_INPUT: no message');
  });

  it('keeps every completed event when killed mid-answer, and the store is not corrupted', async () => {
    llm.enqueue({ type: 'text', text: 'a slow answer that streams for a long while', chunks: 40, chunkDelayMs: 100 });
    const child = startCli(['run', 'tell me slowly'], { env });
    let stdout = '';
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await new Promise<void>((resolve) => child.stdout?.setEncoding('utf8').on('data', (d: string) => ((stdout += d), stdout.length > 3 && resolve())));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));

    const db = new Database(join(env.AGENTBOX_HOME!, 'sessions.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const [summary] = JSON.parse((await runCli(['session', 'list', '--json'], { env })).stdout) as Array<{ id: string; state: string }>;
    expect(summary?.state).toBe('awaiting_llm');
    const { events } = await storedSession(summary!.id);
    expect(events.map((e) => e.type)).toEqual(['session.created', 'turn.started', 'state.changed', 'llm.started']);
    expect(stderr).not.toContain('error');

    // The interrupted session takes a new turn; the interruption is recorded honestly.
    llm.enqueue({ type: 'text', text: 'resumed' });
    const next = await runCli(['run', '--session', summary!.id, 'again'], { env });
    expect(next.stdout).toBe('resumed\n');
    const after = await storedSession(summary!.id);
    expect(after.events.map((e) => e.type)).toContain('turn.failed');
    expect(after.session.state).toBe('completed');
  });
});

describe('agentbox --verbose', () => {
  it('writes structured JSON logs to stderr, never the API key', async () => {
    llm.enqueue(calculatorCall, { type: 'text', text: 'logged' });
    const result = await runCli(['run', '--verbose', 'hi'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('logged\n');
    const lines = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'runtime ready')).toMatchObject({ level: 20, name: 'agentbox' });
    expect(lines.filter((l) => l.msg === 'llm call')).toHaveLength(2);
    expect(lines.find((l) => l.msg === 'tool call')).toMatchObject({ tool: 'calculator', ok: true });
    expect(result.stderr).not.toContain('sk-test-secret-123');
  });
});

describe('agentbox chat', () => {
  it('cancels the running answer on Ctrl-C and keeps the session usable', async () => {
    llm.enqueue({ type: 'text', text: 'a very slow answer that goes on and on', chunks: 40, chunkDelayMs: 100 }, { type: 'text', text: 'quick one' });
    const child = startCli(['chat'], { env });
    let stdout = '';
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const sawText = new Promise<void>((resolve) => child.stdout?.setEncoding('utf8').on('data', (d: string) => ((stdout += d), resolve())));
    child.stdin?.write('tell me slowly\n');
    await sawText;
    child.kill('SIGINT');
    await expect.poll(() => stderr, { timeout: 5000 }).toContain('CANCELLED');
    child.stdin?.write('and now quickly\n');
    await expect.poll(() => stdout, { timeout: 5000 }).toContain('quick one');
    child.stdin?.end('/exit\n');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    const id = sessionIdFrom(stderr);
    const { session, events } = await storedSession(id);
    expect(events.map((e) => e.type)).toContain('turn.cancelled');
    expect(session.state).toBe('completed');
    expect(session.messages.map((m) => m.role)).toEqual(['user', 'user', 'assistant']);
  });

  it('runs one turn per line in a single session', async () => {
    llm.enqueue({ type: 'text', text: 'one' }, { type: 'text', text: 'two' });
    const result = await runCli(['chat'], { env, input: 'first\nsecond\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('one\ntwo\n');
    expect(llm.requests.at(-1)!.body.messages?.map((m) => m.content)).toEqual(['first', 'one', 'second']);
  });
});

describe('agentbox session and config errors', () => {
  it('exports to a file and deletes a session with its events', async () => {
    llm.enqueue({ type: 'text', text: 'to be deleted' });
    const id = sessionIdFrom((await runCli(['run', 'temporary'], { env })).stderr);
    const file = join(mkdtempSync(join(tmpdir(), 'agentbox-export-')), 'out.jsonl');
    expect((await runCli(['session', 'export', id, '--format', 'jsonl', '-o', file], { env })).code).toBe(0);
    expect(readFileSync(file, 'utf8').trim().split('\n').length).toBeGreaterThan(3);
    const deleted = await runCli(['session', 'delete', id], { env });
    expect(deleted.code).toBe(0);
    expect(deleted.stderr).toContain(`deleted ${id}`);
    expect((await runCli(['session', 'show', id], { env })).code).toBe(6);
    expect((await runCli(['session', 'delete', id], { env })).code).toBe(6);
  });

  it('exits 6 for an unknown session', async () => {
    const result = await runCli(['session', 'show', '00000000-0000-0000-0000-000000000000'], { env });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('error SESSION_NOT_FOUND');
  });

  it('names the bad key and the file of an invalid config, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentbox-config-'));
    const file = join(dir, 'agentbox.config.json');
    writeFileSync(file, JSON.stringify({ llm: { timeoutMs: 'soon' } }));
    const result = await runCli(['session', 'list'], { env, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CONFIG_INVALID');
    expect(result.stderr).toContain('llm.timeoutMs');
    expect(result.stderr).toContain(file);
  });

  it('shows the merged config with the API key redacted, and names where a value came from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentbox-config-'));
    writeFileSync(join(dir, 'agentbox.config.yaml'), 'llm:\n  model: from-file\n  timeoutMs: 5000\nagent:\n  maxSteps: 4\n');
    const result = await runCli(['config', 'show', '--json', '--max-steps', '7'], { env, cwd: dir });
    expect(result.code).toBe(0);
    const config = JSON.parse(result.stdout) as { llm: Record<string, unknown>; agent: Record<string, unknown> };
    // file < environment < flags
    expect(config.llm).toMatchObject({ model: 'test-model', timeoutMs: 5000, apiKey: '[redacted]', baseUrl: llm.url });
    expect(config.agent.maxSteps).toBe(7);
    expect(result.stdout).not.toContain('sk-test-secret-123');
  });

  it('validates a config file: the path when it is valid, the key and the file when not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentbox-config-'));
    const good = join(dir, 'good.toml');
    writeFileSync(good, '[llm]\nmodel = "x"\n[store]\nkind = "memory"\n');
    const ok = await runCli(['config', 'validate', good], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`${good} is valid\n`);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'agent:\n  maxStep: 3\n');
    const invalid = await runCli(['config', 'validate', bad], { env });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(bad);
    expect(invalid.stderr).toContain('agent');
    expect(invalid.stderr).toContain('maxStep');
  });

  it('prints help with the exit codes', async () => {
    const result = await runCli(['--help'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toMatch(/run \[options\] \[message\.\.\.\]/);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('agentbox output into a closed pipe', () => {
  it('exits quietly when the reader stops early (agentbox --help | head)', async () => {
    const child = startCli(['--help']);
    // The reader goes away before the help is written, as `head -1` does.
    child.stdout?.destroy();
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
    expect(code).toBe(0);
  });
});
