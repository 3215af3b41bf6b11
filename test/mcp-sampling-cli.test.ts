import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { isolatedEnv, repoRoot, runCli } from './helpers/run-cli.js';

// The real CLI (dist/cli/main.js): `mcp call` and `run` against server-everything with sampling
// on, the completions answered by the loopback LLM server.
const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
let llm: ScriptedLlmServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  dir = mkdtempSync(join(tmpdir(), 'agentbox-cli-sampling-'));
  const server = { command: process.execPath, args: [everything, 'stdio'] };
  writeFileSync(
    join(dir, 'agentbox.config.json'),
    JSON.stringify({
      llm: { baseUrl: llm.url, model: 'cli-model' },
      tools: { mcp: { servers: { everything: { ...server, sampling: { maxTokens: 300 } }, tiny: { ...server, sampling: { maxTokens: 10 } }, off: server } } },
    }),
  );
  env = isolatedEnv();
});
afterAll(() => llm.close());

const args = JSON.stringify({ prompt: 'name a colour', maxTokens: 20 });

describe('agentbox mcp call with sampling on', () => {
  it('samples on the configured model and prints the server’s answer', async () => {
    llm.enqueue({ type: 'text', text: 'CLI-SAMPLED', usage: { promptTokens: 25, completionTokens: 3 } });
    const result = await runCli(['mcp', 'call', 'everything', 'trigger-sampling-request', '--args', args], { env, cwd: dir });
    expect(result.stderr).toContain('sampled cli-model for everything: 28 tokens (endTurn)');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('CLI-SAMPLED');
    expect(llm.requests.at(-1)?.body.max_tokens).toBe(20);
  });

  it('refuses a request over the budget, exit code 5, nothing sent to the model', async () => {
    const before = llm.requestCount;
    const result = await runCli(['mcp', 'call', 'tiny', 'trigger-sampling-request', '--args', args], { env, cwd: dir });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/sampling refused: MCP server 'tiny' asked for a completion whose prompt takes about \d+ tokens, more than the 10 left/);
    expect(result.stderr).toContain('error TOOL_FAILED:');
    expect(llm.requestCount).toBe(before);
  });

  it('a server with sampling off does not offer the tool', async () => {
    const result = await runCli(['mcp', 'call', 'off', 'trigger-sampling-request', '--args', args], { env, cwd: dir });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/error TOOL_NOT_FOUND: unknown tool 'off_trigger-sampling-request'/);
  });
});

describe('agentbox run with sampling on', () => {
  it('shows the sampling as it happens and in session show', async () => {
    llm.enqueue(
      { type: 'tool-calls', calls: [{ name: 'everything_trigger-sampling-request', arguments: args }] },
      { type: 'text', text: 'RUN-SAMPLED', usage: { promptTokens: 25, completionTokens: 3 } },
      { type: 'text', text: 'the server heard RUN-SAMPLED' },
    );
    const run = await runCli(['run', 'ask the server'], { env, cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('the server heard RUN-SAMPLED');
    expect(run.stderr).toContain('⇄ everything sampled cli-model: 28 tokens, RUN-SAMPLED');
    const [latest] = JSON.parse((await runCli(['session', 'list', '--json'], { env, cwd: dir })).stdout) as Array<{ id: string }>;
    const shown = await runCli(['session', 'show', latest?.id ?? ''], { env, cwd: dir });
    expect(shown.stdout).toMatch(/mcp\.sampled everything \(call \S+\) by cli-model 1 message\(s\) 25 in, 3 out endTurn "RUN-SAMPLED"/);
  });
});
