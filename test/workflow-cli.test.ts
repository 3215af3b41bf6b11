/** The `agentbox workflow` command as scripts see it: exit codes, stderr paths, one JSON object. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, repoRoot, runCli } from './helpers/run-cli.js';

const fixture = (name: string) => join(repoRoot, 'test/fixtures/workflows', name);

describe('agentbox workflow', () => {
  it('validate: exit 0 for a valid file, 2 with every error naming its task path', async () => {
    const env = isolatedEnv();
    const ok = await runCli(['workflow', 'validate', fixture('research.yaml'), fixture('raise.yaml')], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('research.yaml: valid');
    const bad = await runCli(['workflow', 'validate', fixture('invalid.yaml')], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error /do/0/build/run/container: run: container is not supported');
    expect(bad.stderr).toContain('error /do/1/fetchPet/call: call: grpc is not supported');
    expect(bad.stderr).toContain('error /do/2/calc/set/x: bad jq expression: syntax error, unexpected end of file');
    expect(bad.stderr).toContain('error /do/3/jump/then: `then: nowhere` names no task in this list');
    const missing = await runCli(['workflow', 'validate', fixture('no-such.yaml')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read workflow file');
  });

  it('run --json: a completed run prints exactly one object with its output and tasks', async () => {
    const result = await runCli(['workflow', 'run', fixture('raise.yaml'), '--input', '{"qty":3}', '--json'], { env: isolatedEnv() });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const run = JSON.parse(lines[0] as string);
    expect(run).toEqual({
      runId: expect.any(String),
      status: 'completed',
      output: { ok: true },
      tasks: [
        { path: '/do/0/check', name: 'check', status: 'completed' },
        { path: '/do/1/refuse', name: 'refuse', status: 'skipped' },
        { path: '/do/2/done', name: 'done', status: 'completed' },
      ],
    });
  });

  it('run: a raise faults the run with exit 5 and the RFC 7807 error; status shows it later', async () => {
    const env = isolatedEnv();
    const result = await runCli(['workflow', 'run', fixture('raise.yaml'), '--input', '{"qty":12}', '--json'], { env });
    expect(result.code).toBe(5);
    const run = JSON.parse(result.stdout);
    expect(run.status).toBe('faulted');
    expect(run).not.toHaveProperty('output');
    expect(run.error).toEqual({
      type: 'https://example.com/errors/too-many',
      status: 422,
      title: 'Too many items',
      detail: 'asked for 12',
      instance: '/do/1/refuse',
    });
    const text = await runCli(['workflow', 'run', fixture('raise.yaml'), '--input', '{"qty":12}'], { env });
    expect(text.code).toBe(5);
    expect(text.stderr).toMatch(/> \/do\/0\/check\nok \/do\/0\/check\n> \/do\/1\/refuse\nfault \/do\/1\/refuse: Too many items/);
    expect(text.stderr).toContain('at /do/1/refuse: Too many items — asked for 12');
    const status = await runCli(['workflow', 'status', run.runId, '--json'], { env });
    expect(JSON.parse(status.stdout)).toEqual(run);
    const list = await runCli(['workflow', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout).map((r: { runId: string }) => r.runId)).toContain(run.runId);
  });

  it('run: an invalid workflow, bad input JSON and unknown runs get exit 2 and 6', async () => {
    const env = isolatedEnv();
    const invalid = await runCli(['workflow', 'run', fixture('invalid.yaml'), '--json'], { env });
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('WORKFLOW_INVALID');
    expect(invalid.stderr).toContain('/do/1/fetchPet/call');
    const badInput = await runCli(['workflow', 'run', fixture('raise.yaml'), '--input', '{qty'], { env });
    expect(badInput.code).toBe(2);
    expect(badInput.stderr).toContain('the workflow input is not JSON');
    const status = await runCli(['workflow', 'status', 'nope'], { env });
    expect(status.code).toBe(6);
  });

  it('run: a jq expression that never ends is stopped at workflow.expressionTimeoutMs; the run faults at its task, journal intact', async () => {
    const env = isolatedEnv();
    const dir = mkdtempSync(join(tmpdir(), 'agentbox-jq-timeout-'));
    writeFileSync(join(dir, 'agentbox.config.yaml'), 'workflow:\n  expressionTimeoutMs: 300\n');
    writeFileSync(
      join(dir, 'spin.yaml'),
      [
        'document: { dsl: 1.0.0, namespace: test, name: spin, version: 1.0.0 }',
        'do:',
        '  - first:',
        '      set: { greeting: "${ .name }" }',
        '  - spin:',
        '      set: { n: "${ reduce range(1e15) as $i (0; . + 1) }" }',
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const result = await runCli(['workflow', 'run', join(dir, 'spin.yaml'), '--input', '{"name":"Ada"}', '--json'], { env, cwd: dir });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(5);
    const run = JSON.parse(result.stdout);
    expect(run.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/expression',
      instance: '/do/1/spin',
      detail: expect.stringContaining('the expression ran longer than 300 ms and was stopped'),
    });
    expect(run.tasks).toEqual([
      { path: '/do/0/first', name: 'first', status: 'completed' },
      { path: '/do/1/spin', name: 'spin', status: 'faulted' },
    ]);
    const status = await runCli(['workflow', 'status', run.runId, '--json'], { env, cwd: dir });
    expect(JSON.parse(status.stdout)).toEqual(run);
  });
});

describe('README Workflows example', () => {
  it('runs as written against the loopback LLM server', async () => {
    const { readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { startScriptedLlmServer } = await import('../src/node/testing/index.js');
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const yaml = /## Workflows[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), 'agentbox-readme-')), 'brief.yaml');
    writeFileSync(file, yaml as string);
    const llm = await startScriptedLlmServer({ fallback: { type: 'text', text: 'text' } });
    try {
      const env = isolatedEnv({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-test', AGENTBOX_MODEL: 'm' });
      const result = await runCli(['workflow', 'run', file, '--input', '{"topic":"tides","sections":["intro","body"]}', '--json'], { env });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).output).toEqual({ sections: ['text', 'text'] });
      expect(llm.requestCount).toBe(3);
    } finally {
      await llm.close();
    }
  });
});
