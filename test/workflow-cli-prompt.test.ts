/** `agentbox workflow run` with `call: llm | agent` naming a prompt file in the prompt folder, as `agentbox run --prompt` reads it. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import { isolatedEnv, runCli } from './helpers/run-cli.js';

let llm: ScriptedLlmServer;
beforeAll(async () => {
  llm = await startScriptedLlmServer();
});
afterAll(() => llm.close());

describe('agentbox workflow run with prompt files', () => {
  it('renders prompts/<file>.prompt with the task input for call: llm and call: agent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentbox-wf-prompt-'));
    mkdirSync(join(dir, 'prompts'));
    writeFileSync(
      join(dir, 'prompts', 'tide.prompt'),
      '---\ninput:\n  schema:\n    harbour: string\n---\n{{role "system"}}\nYou are a harbour master. {{> brief}}\n{{role "user"}}\nTide at {{harbour}}?',
    );
    writeFileSync(join(dir, 'prompts', '_brief.prompt'), 'Answer in one line.');
    writeFileSync(
      join(dir, 'flow.yaml'),
      [
        'document: { dsl: "1.0.0", namespace: test, name: tides, version: "1.0.0" }',
        'do:',
        '  - ask:',
        '      call: llm',
        '      with:',
        '        prompt: { file: tide, input: { harbour: "${ .harbour }" } }',
        '      export: { as: "${ { llm: .content } }" }',
        '  - agent:',
        '      call: agent',
        '      with:',
        '        prompt: { file: tide, input: { harbour: "${ $context.llm }" } }',
        '',
      ].join('\n'),
    );
    llm.enqueue({ type: 'text', text: 'Brest' }, { type: 'text', text: 'High at noon.' });
    const first = llm.requestCount;
    const env = isolatedEnv({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-test', AGENTBOX_MODEL: 'test-model' });
    const result = await runCli(['workflow', 'run', 'flow.yaml', '--input', '{"harbour":"Roscoff"}', '--json'], { env, cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed', output: { content: 'High at noon.', sessionId: expect.any(String) } });
    const sent = llm.requests.slice(first).map((r) => r.body.messages?.map((m) => m.content));
    expect(sent).toEqual([
      ['You are a harbour master. Answer in one line.', 'Tide at Roscoff?'],
      ['You are a harbour master. Answer in one line.', 'Tide at Brest?'],
    ]);
  });
});
