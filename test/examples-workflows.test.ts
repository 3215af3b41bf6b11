/** The example workflows in examples/workflows/, run as a user would against the loopback LLM server. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';
import type { RecordedRequest } from '../src/testing/scripted-response.js';
import { isolatedEnv, repoRoot, runCli, startCli } from './helpers/run-cli.js';

const example = (name: string) => join(repoRoot, 'examples/workflows', name);
let llm: ScriptedLlmServer;
const prompts: string[] = [];
const lastUser = (request: RecordedRequest): string => String((request.body.messages ?? []).filter((m) => m.role === 'user').at(-1)?.content ?? '');

beforeAll(async () => {
  llm = await startScriptedLlmServer({ recordRequests: false });
  llm.setFallback((request) => {
    prompts.push(lastUser(request));
    return { type: 'text', text: `reply to ${lastUser(request).split(':')[0]}` };
  });
});
afterAll(() => llm.close());
const envFor = () => isolatedEnv({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-test', AGENTBOX_MODEL: 'm' });

describe('examples/workflows', () => {
  it('all validate', async () => {
    const files = ['research-and-summarize.yaml', 'batch-summaries.yaml', 'approval-gated.yaml'].map(example);
    const result = await runCli(['workflow', 'validate', ...files], { env: envFor() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('research-and-summarize: a model call, a tool, a fork of two model calls', async () => {
    const result = await runCli(['workflow', 'run', example('research-and-summarize.yaml'), '--input', '{"topic":"tides"}', '--json'], { env: envFor() });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).output).toEqual({
      short: 'reply to One line summary',
      forKids: 'reply to Explain to a child',
      daysPerYear: 365.25,
    });
  });

  it('batch-summaries: a concurrent for and a script', async () => {
    const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const result = await runCli(['workflow', 'run', example('batch-summaries.yaml'), '--input', JSON.stringify({ texts }), '--json'], { env: envFor() });
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout).output;
    expect(output.summaries).toHaveLength(5);
    // 'reply to Summarize in one sentence' is six words.
    expect(output.words).toEqual([6, 6, 6, 6, 6]);
  });

  it('approval-gated: waits for the approval posted from another process, then publishes', async () => {
    const env = envFor();
    const child = startCli(['workflow', 'run', example('approval-gated.yaml'), '--input', '{"subject":"the launch"}', '--json'], { env });
    let stderr = '';
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const started = new Promise<string>((resolve) =>
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        const id = /run ([0-9a-f-]{36}) started/.exec(stderr)?.[1];
        if (id) resolve(id);
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const runId = await started;
    const posted = await runCli(['workflow', 'post', runId, '--type', 'approval', '--data', '{"approved":true}'], { env });
    expect(posted.code, posted.stderr).toBe(0);
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'completed', output: { published: 'reply to Write a two-line announcement of the launch' } });
  }, 30_000);
});
