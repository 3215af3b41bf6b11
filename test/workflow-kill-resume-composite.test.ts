/**
 * Durability of fork, run: script and run: workflow across a real crash: `agentbox workflow
 * run` is SIGKILLed while each LLM call is in flight (one in a fork branch, two inside a
 * sub-workflow), then `agentbox workflow resume` finishes the run. The loopback server counts
 * every call: calls finished before the kill are never made again (the regression the peers'
 * users report: a resumed parent restarting its sub-workflow from the start).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHangingLlm, type HangingLlm } from './helpers/hanging-llm.js';
import { repoRoot, runCli, startCli } from './helpers/run-cli.js';

const workflowFile = join(repoRoot, 'test/fixtures/workflows/kill-composite/composite.yaml');
const prompts = ['fork tides', 'sub one 5', 'sub two answer(sub one 5)'];
const args = ['workflow', 'run', workflowFile, '--input', '{"topic":"tides"}', '--json'];

let h: HangingLlm;
let received: string[] = [];

beforeAll(async () => {
  h = await startHangingLlm();
  received = h.received;
});
afterAll(() => h.close());

const envFor = () => h.env();

describe('agentbox workflow: kill -9 and resume with fork, script and a sub-workflow', () => {
  let baseline: { output: unknown; tasks: unknown[] };

  beforeAll(async () => {
    h.reset();
    const result = await runCli(args, { env: envFor() });
    expect(result.code, result.stderr).toBe(0);
    baseline = JSON.parse(result.stdout);
    expect(received).toEqual(prompts);
  });

  it('completes an uninterrupted run', () => {
    expect(baseline.output).toEqual({ out: { content: 'answer(sub two answer(sub one 5))' } });
  });

  it.each(prompts.map((prompt, index) => [prompt, index] as const))('killed during "%s": resume calls nothing twice', async (prompt, index) => {
    h.reset();
    const env = envFor();
    const arrived = h.hangOn(prompt);
    const child = startCli(args, { env });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    await arrived;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const runId = /run ([0-9a-f-]{36}) started/.exec(stderr)?.[1] as string;
    const resumed = await runCli(['workflow', 'resume', runId, '--json'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result.output).toEqual(baseline.output);
    expect(result.tasks).toEqual(baseline.tasks);
    expect(received).toEqual([...prompts.slice(0, index + 1), ...prompts.slice(index)]);
  });
});
