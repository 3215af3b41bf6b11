/**
 * Durability across a real crash: `agentbox workflow run` in a child process is SIGKILLed
 * while a task's LLM call is in flight, then `agentbox workflow resume` finishes the run.
 * The loopback LLM server outlives both processes and counts every call: a finished task
 * is never called again, the interrupted one is called again (at-least-once), and the
 * output and the task order equal those of a run that was never killed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHangingLlm, type HangingLlm } from './helpers/hanging-llm.js';
import { repoRoot, runCli, startCli } from './helpers/run-cli.js';

const workflowFile = join(repoRoot, 'test/fixtures/workflows/research.yaml');
const prompts = ['research tides', 'summarize a', 'summarize b', 'final'];

let h: HangingLlm;
let received: string[] = [];

beforeAll(async () => {
  h = await startHangingLlm({ chunks: 2 });
  received = h.received;
});
afterAll(() => h.close());

const envFor = () => h.env();

interface RunJson {
  runId: string;
  status: string;
  output?: unknown;
  tasks: Array<{ path: string; name: string; status: string }>;
}

describe('agentbox workflow: kill -9 and resume', () => {
  let baseline: RunJson;

  beforeAll(async () => {
    h.reset();
    const result = await runCli(['workflow', 'run', workflowFile, '--input', '{"topic":"tides"}', '--json'], { env: envFor() });
    expect(result.code, result.stderr).toBe(0);
    baseline = JSON.parse(result.stdout) as RunJson;
    expect(received).toEqual(prompts);
  });

  it('completes an uninterrupted run with the expected output', () => {
    expect(baseline.status).toBe('completed');
    expect(baseline.output).toEqual({
      research: 'answer(research tides)',
      answer: 42,
      s_a: 'answer(summarize a)',
      s_b: 'answer(summarize b)',
      final: 'answer(final)',
    });
    expect(baseline.tasks.map((t) => t.path)).toEqual([
      '/do/0/research',
      '/do/1/compute',
      '/do/2/each',
      '/do/2/each/do/0/summarize',
      '/do/2/each/do/0/summarize',
      '/do/3/guarded',
      '/do/3/guarded/try/0/final',
      '/do/4/result',
    ]);
  });

  it.each(prompts.map((prompt, index) => [prompt, index] as const))(
    'killed during "%s": resume gives the same output, order and once-only calls',
    async (prompt, index) => {
      h.reset();
      const env = envFor();
      const arrived = h.hangOn(prompt);
      const child = startCli(['workflow', 'run', workflowFile, '--input', '{"topic":"tides"}', '--json'], { env });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
      await arrived;
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const runId = /run ([0-9a-f-]{36}) started/.exec(stderr)?.[1];
      expect(runId, stderr).toBeDefined();

      const status = await runCli(['workflow', 'status', runId as string, '--json'], { env });
      expect(JSON.parse(status.stdout)).toMatchObject({ status: 'running' });

      const resumed = await runCli(['workflow', 'resume', runId as string, '--json'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);
      const result = JSON.parse(resumed.stdout) as RunJson;
      expect(result.output).toEqual(baseline.output);
      expect(result.tasks).toEqual(baseline.tasks);
      // Every call before the kill ran once; the one in flight ran again; none after it twice.
      expect(received).toEqual([...prompts.slice(0, index + 1), ...prompts.slice(index)]);
    },
  );

  it('refuses a second resume while the first is alive, and a resume after that one is killed finishes the run', async () => {
    h.reset();
    const env = envFor();
    const hang = (prompt: string) => h.hangOn(prompt);
    const spawnHeld = async (args: string[], prompt: string) => {
      const arrived = hang(prompt);
      const child = startCli(args, { env });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
      await arrived;
      return { child, closed, stderr: () => stderr };
    };
    const first = await spawnHeld(['workflow', 'run', workflowFile, '--input', '{"topic":"tides"}', '--json'], 'summarize a');
    first.child.kill('SIGKILL');
    await first.closed;
    const runId = /run ([0-9a-f-]{36}) started/.exec(first.stderr())?.[1] as string;
    const resumer = await spawnHeld(['workflow', 'resume', runId, '--json'], 'summarize b');
    // The resumer is alive and mid-call: a second resume must not proceed.
    const second = await runCli(['workflow', 'resume', runId, '--json'], { env });
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('WORKFLOW_RUN_BUSY');
    resumer.child.kill('SIGKILL');
    await resumer.closed;
    const last = await runCli(['workflow', 'resume', runId, '--json'], { env });
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout).output).toEqual(baseline.output);
    expect(received).toEqual(['research tides', 'summarize a', 'summarize a', 'summarize b', 'summarize b', 'final']);
  });

  it('answers resume of an unknown run with exit 6', async () => {
    const result = await runCli(['workflow', 'resume', 'no-such-run'], { env: envFor() });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('WORKFLOW_RUN_NOT_FOUND');
  });
});
