import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { cliPath, isolatedEnv, repoRoot, runCli } from './helpers/run-cli.js';

// `agentbox mcp call` on a real terminal: util-linux `script` gives the CLI a pseudo-terminal,
// and a scripted person types an answer whenever a question shows.
const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const args = ['mcp', 'call', 'everything', 'trigger-elicitation-request', '--', process.execPath, everything, 'stdio'];
/** Readline's cursor moves (ESC [ n G), built from a string: biome refuses control characters in regex literals. */
const ansiEscape = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/**
 * A pseudo-terminal needs util-linux `script` (Debian's essential bsdutils has it); where it
 * is missing (a bare Alpine or macOS) these two describe blocks do not run, and the question-by-question
 * logic is tested without a terminal in src/cli/ask-input.test.ts.
 */
const hasScript = /util-linux/.test(spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout ?? '');

function onTerminal(answers: string[], cli: { args?: string[]; cwd?: string } = {}): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, cliPath, ...(cli.args ?? args)].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: isolatedEnv(), stdio: ['pipe', 'pipe', 'pipe'], ...(cli.cwd ? { cwd: cli.cwd } : {}) });
  let screen = '';
  let sinceAnswer = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    screen += d;
    sinceAnswer += d;
    // A question ends its line without a newline: ": " or "] " (then readline's cursor moves).
    if (/(: |\] )$/.test(sinceAnswer.replace(ansiEscape, '')) && answers.length > 0) {
      sinceAnswer = '';
      child.stdin.write(`${answers.shift()}\r`);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
  });
}

describe.runIf(hasScript)('agentbox mcp call: a server form on a terminal', () => {
  it('shows the message and each field, and sends the answer the person typed', async () => {
    // Answer, name, check, then Enter for every other field (defaults or skipped), then send.
    const { code, screen } = await onTerminal(['y', 'Ann Lee', 'y', ...Array(11).fill(''), 'y']);
    expect(screen).toContain("MCP server 'everything' asks: Please provide inputs for the following fields:");
    expect(screen).toContain('name (String): Your full, legal name');
    expect(screen).toMatch(/integer \[integer ≥ 1 ≤ 100, optional, default 42\]: /);
    expect(screen).toContain('1) Monica');
    expect(screen).toContain('Name: Ann Lee');
    expect(screen).toContain('Agreed to terms: true');
    expect(screen).toContain('Favorite Integer: 42');
    expect(code).toBe(0);
  }, 30_000);

  it('sends a decline', async () => {
    const { code, screen } = await onTerminal(['n']);
    expect(screen).toContain('User declined to provide the requested information');
    expect(code).toBe(0);
  }, 30_000);

  it('URL mode: shows the page in full, and the person says when they are done', async () => {
    const { code, screen } = await onTerminal(['y'], {
      args: [
        'mcp',
        'call',
        'everything',
        'trigger-url-elicitation',
        '--args',
        '{"url":"https://example.com/consent"}',
        '--',
        process.execPath,
        everything,
        'stdio',
      ],
    });
    expect(screen).toContain('Open this page to continue (check where it leads first): https://example.com/consent');
    expect(screen).toContain('User completed the URL elicitation flow');
    expect(code).toBe(0);
  }, 30_000);

  it('without a terminal refuses the request, saying why', async () => {
    const result = await runCli(args);
    expect(result.stdout + result.stderr).toContain(
      "agentbox refuses elicitation from MCP server 'everything': no front end that can ask a person is attached",
    );
  }, 30_000);
});

describe.runIf(hasScript)('agentbox run: a server form asked during a turn', () => {
  let llm: ScriptedLlmServer;
  let dir: string;
  beforeAll(async () => {
    llm = await startScriptedLlmServer();
    dir = mkdtempSync(join(tmpdir(), 'agentbox-cli-elicit-'));
    writeFileSync(
      join(dir, 'agentbox.config.json'),
      JSON.stringify({
        llm: { baseUrl: llm.url, model: 'scripted', maxRetries: 0 },
        tools: { mcp: { servers: { everything: { command: process.execPath, args: [everything, 'stdio'] } } } },
      }),
    );
  });
  afterAll(() => llm?.close());

  it('asks on the terminal, and the model gets the answer', async () => {
    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'everything_trigger-elicitation-request', arguments: {} }] }, { type: 'text', text: 'Hello, Bo.' });
    const { code, screen } = await onTerminal(['', 'Bo', 'n', ...Array(11).fill(''), ''], { args: ['run', 'Ask me my name'], cwd: dir });
    expect(screen).toContain("MCP server 'everything' asks: Please provide inputs for the following fields:");
    expect(screen).toContain('Hello, Bo.');
    const request = llm.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    const result = request.messages.find((m) => m.role === 'tool')?.content ?? '';
    expect(result).toContain('Name: Bo');
    expect(result).toContain('Agreed to terms: false');
    expect(code).toBe(0);
  }, 30_000);

  it('without a terminal the model reads the refusal', async () => {
    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'everything_trigger-elicitation-request', arguments: {} }] }, { type: 'text', text: 'I could not ask.' });
    const result = await runCli(['run', 'Ask me my name'], { cwd: dir, env: isolatedEnv() });
    expect(result.stdout).toContain('I could not ask.');
    const request = llm.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    expect(request.messages.find((m) => m.role === 'tool')?.content).toContain('no front end that can ask a person is attached');
  }, 30_000);
});
