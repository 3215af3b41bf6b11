/** `agentbox prompt render|list` and `agentbox run --prompt`, through the built CLI. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { isolatedEnv, runCli } from './helpers/run-cli.js';

const greet = `---
model: greeter
input:
  schema:
    name: string
output:
  schema:
    greeting: string
---
{{role "system"}}
You greet people. {{> style}}
{{history}}
{{role "user"}}
I am {{name}}.
`;

let llm: ScriptedLlmServer;
let env: Record<string, string>;
let cwd: string;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
});
afterAll(() => llm.close());
beforeEach(() => {
  expect(llm.pending).toBe(0);
  env = isolatedEnv({ OPENAI_BASE_URL: llm.url, AGENTBOX_MODEL: 'test-model' });
  cwd = mkdtempSync(join(tmpdir(), 'agentbox-prompts-'));
  mkdirSync(join(cwd, 'prompts', 'support'), { recursive: true });
  writeFileSync(join(cwd, 'prompts', 'greet.prompt'), greet);
  writeFileSync(join(cwd, 'prompts', '_style.prompt'), 'Be brief.');
  writeFileSync(join(cwd, 'prompts', 'support', 'broken.prompt'), '---\nouput: {}\n---\nhi');
});

describe('agentbox prompt render', () => {
  it('prints the rendered messages by role, and --json with the hash and input', async () => {
    const text = await runCli(['prompt', 'render', 'greet', '--input', '{"name":"Ann"}'], { env, cwd });
    // `greeter` has no known tokenizer: the counts are estimates, and say so.
    expect(text.stderr).toMatch(/^greet \(sha256 [0-9a-f]{12}, model greeter, output schema, ~21 tokens \(estimated\)\)/);
    expect(text.stdout).toBe('--- system (11 tokens)\nYou greet people. Be brief.\n--- (the session history goes here)\n--- user (7 tokens)\nI am Ann.\n');
    expect(text.code).toBe(0);
    const json = await runCli(['prompt', 'render', 'prompts/greet.prompt', '--input', '{"name":"Ann"}', '--json'], { env, cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({
      file: 'prompts/greet.prompt',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      input: { name: 'Ann' },
      messages: [
        { role: 'system', content: 'You greet people. Be brief.' },
        { role: 'user', content: 'I am Ann.' },
      ],
      historyAt: 1,
      model: 'greeter',
      tokens: { model: 'greeter', total: 21, exact: false, perMessage: [11, 7] },
    });
  });

  it.each([
    [['greet', '--input', '{"name":5}'], /INVALID_INPUT[\s\S]*name: type "number" is invalid/],
    [['greet', '--input', '{name}'], /INVALID_INPUT: --input is not JSON/],
    [['support/broken'], /PROMPT_INVALID: invalid prompt file support\/broken:\n\s+- ouput: unknown key/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const result = await runCli(['prompt', 'render', ...args], { env, cwd });
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it('counts exactly for an OpenAI-family model (the configured one when the file names none)', async () => {
    writeFileSync(join(cwd, 'prompts', 'plain.prompt'), '{{role "user"}}Hello, how are you?');
    const json = await runCli(['prompt', 'render', 'plain', '--json'], { env: { ...env, AGENTBOX_MODEL: 'gpt-4o' }, cwd });
    // The tokenizer's own chat count for [{ role: 'user', content: 'Hello, how are you?' }] with gpt-4o.
    expect(JSON.parse(json.stdout).tokens).toEqual({ model: 'gpt-4o', total: 13, exact: true, perMessage: [10] });
  });
});

describe('agentbox prompt list', () => {
  it('lists the prompt folder without partials, a broken file with its error', async () => {
    const result = await runCli(['prompt', 'list'], { env, cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^greet\s+greeter {2}input: name {2}structured output\nsupport\/broken\s+invalid: - ouput: unknown key/);
    const json = JSON.parse((await runCli(['prompt', 'list', '--json'], { env, cwd })).stdout) as { prompts: Array<{ file: string }> };
    expect(json.prompts.map((p) => p.file)).toEqual(['greet.prompt', 'support/broken.prompt']);
  });
});

describe('agentbox run --prompt', () => {
  it('sends the rendered prompt with its output schema and prints the parsed answer', async () => {
    const from = llm.requests.length;
    llm.enqueue({ type: 'text', text: '{"greeting":"Hi Ann"}' });
    const result = await runCli(['run', '--prompt', 'greet', '--input', '{"name":"Ann"}', '--json'], { env, cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const session = JSON.parse(result.stdout) as { output: unknown; messages: unknown[] };
    expect(session.output).toEqual({ greeting: 'Hi Ann' });
    const body = llm.requests[from]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      model: 'greeter',
      messages: [
        { role: 'system', content: 'You greet people. Be brief.' },
        { role: 'user', content: 'I am Ann.' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'greet', strict: true } },
    });
  });

  it('exits 2 on bad input before calling the model, and refuses a message beside --prompt', async () => {
    const from = llm.requests.length;
    const bad = await runCli(['run', '--prompt', 'greet', '--input', '{}'], { env, cwd });
    expect(bad.stderr).toMatch(/INVALID_INPUT[\s\S]*- name: is required/);
    expect(bad.code).toBe(2);
    const both = await runCli(['run', '--prompt', 'greet', 'hello'], { env, cwd });
    expect(both.stderr).toMatch(/a message or --prompt, not both/);
    expect(both.code).toBe(2);
    expect(llm.requests.length).toBe(from);
  });

  it('exits 5 with OUTPUT_INVALID when the answer stays off the schema', async () => {
    llm.enqueue({ type: 'text', text: '{"greet":"Hi"}' }, { type: 'text', text: '{"greet":"Hi"}' });
    const result = await runCli(['run', '--prompt', 'greet', '--input', '{"name":"Ann"}'], { env, cwd });
    expect(result.stderr).toMatch(/asking again/);
    expect(result.stderr).toMatch(/OUTPUT_INVALID[\s\S]*greeting: is required/);
    expect(result.code).toBe(5);
  });
});
