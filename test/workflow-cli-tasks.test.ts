/** `agentbox workflow` with fork, sub-workflows from files, scripts, cancel and graph, as scripts see it. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, repoRoot, runCli, startCli } from './helpers/run-cli.js';

const fixture = (name: string) => join(repoRoot, 'test/fixtures/workflows/composite', name);

describe('agentbox workflow (composite tasks)', () => {
  it('run: a fork of a sub-workflow (same file) and a script, then a sub-workflow from the file beside it', async () => {
    const result = await runCli(['workflow', 'run', fixture('pipeline.yaml'), '--input', '{"name":"ada","words":["a","b","c"]}', '--json'], {
      env: isolatedEnv(),
    });
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout);
    expect(run).toMatchObject({ status: 'completed', output: { shouted: 'HELLO ADA' } });
    expect(run.tasks.map((t: { path: string }) => t.path)).toContain('/do/0/both/fork/branches/0/greet/run/workflow/do/0/hello');
    expect(run.tasks.map((t: { path: string }) => t.path)).toContain('/do/1/loud/run/workflow/do/0/upper');
  });

  it('run: a script with await: false runs as its own run, which the process waits for before it exits', async () => {
    const env = isolatedEnv();
    const result = await runCli(['workflow', 'run', fixture('detached-script.yaml'), '--input', '{"n":20}', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed', output: { n: 21 } });
    const childId = /run (\S+\.[0-9a-f]{8}) started/.exec(result.stderr)?.[1];
    expect(childId, result.stderr).toBeDefined();
    const status = await runCli(['workflow', 'status', childId as string, '--json'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'completed', output: '40' });
  });

  it('graph: prints a Mermaid flowchart; an invalid file exits 2 naming the path', async () => {
    const env = isolatedEnv();
    const graph = await runCli(['workflow', 'graph', fixture('pipeline.yaml')], { env });
    expect(graph.code, graph.stderr).toBe(0);
    expect(graph.stdout).toMatch(/^flowchart TD\n/);
    expect(graph.stdout).toContain('subgraph t0["both<br/>fork"]');
    expect(graph.stdout).toContain('t1["loud<br/>run"]');
    expect(graph.stdout).toContain('    t3["greet<br/>run"]');
    expect(graph.stdout).toContain('t0 --> t1');
    const invalid = await runCli(['workflow', 'graph', join(repoRoot, 'test/fixtures/workflows/invalid.yaml')], { env });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('/do/');
  });

  it('cancel: stops a run another process is waiting in; a finished or unknown run is refused', async () => {
    const env = isolatedEnv();
    const child = startCli(['workflow', 'run', fixture('long-wait.yaml'), '--json'], { env });
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
    const cancel = await runCli(['workflow', 'cancel', runId], { env });
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toBe(`run ${runId} cancel requested\n`);
    expect(await exited).toBe(5);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'cancelled', tasks: [{ path: '/do/0/pause', status: 'cancelled' }] });
    const again = await runCli(['workflow', 'cancel', runId], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('has already ended (cancelled)');
    expect((await runCli(['workflow', 'cancel', 'nope'], { env })).code).toBe(6);
  }, 30_000);

  it('listen: a run waiting for an approval is killed -9, the approval is posted, resume finishes it', async () => {
    const env = isolatedEnv();
    const child = startCli(['workflow', 'run', fixture('approval.yaml'), '--input', '{"order":7}', '--json'], { env });
    let stderr = '';
    const waiting = new Promise<string>((resolve) =>
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        const id = /run ([0-9a-f-]{36}) started/.exec(stderr)?.[1];
        if (id) resolve(id);
      }),
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    const runId = await waiting;
    // Killed only once its journal says it is waiting in the listen.
    for (let i = 0; i < 50; i += 1) {
      const now = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { env })).stdout);
      if (now.tasks.some((t: { name: string }) => t.name === 'approve')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const status = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { env })).stdout);
    expect(status).toMatchObject({ status: 'running' });
    expect(status.tasks.at(-1)).toMatchObject({ path: '/do/1/approve' });
    const bad = await runCli(['workflow', 'post', runId, '--type', 'approval', '--data', '{nope'], { env });
    expect(bad.code).toBe(2);
    const posted = await runCli(['workflow', 'post', runId, '--type', 'approval', '--data', '{"approved":true}'], { env });
    expect(posted.code, posted.stderr).toBe(0);
    expect(posted.stdout).toBe(`event 1 posted to run ${runId}\n`);
    const resumed = await runCli(['workflow', 'resume', runId, '--json'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result).toMatchObject({ status: 'completed', output: { shipped: true } });
    expect(result.tasks.map((t: { name: string }) => t.name)).toEqual(['prepare', 'approve', 'act', 'ship']);
  }, 30_000);

  it('serve: recovers a run its process left running (killed -9 in a listen) and finishes it', async () => {
    const env = isolatedEnv();
    const child = startCli(['workflow', 'run', fixture('approval.yaml'), '--input', '{"order":1}', '--json'], { env });
    let stderr = '';
    const started = new Promise<string>((resolve) =>
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        const id = /run ([0-9a-f-]{36}) started/.exec(stderr)?.[1];
        if (id) resolve(id);
      }),
    );
    const exited = new Promise<unknown>((resolve) => child.on('close', resolve));
    const runId = await started;
    // `run <id> started` is printed as the run is created: killed once its journal has the listen.
    for (let i = 0; i < 50; i += 1) {
      const now = await runCli(['workflow', 'status', runId, '--json'], { env });
      if (now.code === 0 && JSON.parse(now.stdout).tasks.some((t: { name: string }) => t.name === 'approve')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await exited;
    expect((await runCli(['workflow', 'post', runId, '--type', 'approval', '--data', '{"approved":true}'], { env })).code).toBe(0);
    const serve = startCli(['serve', '--port', '0'], { env });
    let serveErr = '';
    const recovered = new Promise<void>((resolve) =>
      serve.stderr?.setEncoding('utf8').on('data', (d: string) => {
        serveErr += d;
        if (serveErr.includes(`recovered workflow run ${runId}: completed`)) resolve();
      }),
    );
    const serveExited = new Promise<number | null>((resolve) => serve.on('close', (code) => resolve(code)));
    await recovered;
    const status = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { env })).stdout);
    expect(status).toMatchObject({ status: 'completed', output: { shipped: true } });
    serve.kill('SIGTERM');
    expect(await serveExited).toBe(0);
  }, 30_000);
});
