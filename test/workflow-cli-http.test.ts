/**
 * `call: http` through the CLI: `--allow-host` grants a host for one run and the grant is
 * journaled with it, so a `resume` after kill -9 (without the flag) reaches it again, with
 * the same Idempotency-Key; without the flag the host is denied. `workflow.secrets` reach
 * the request but never the SQLite file.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackHttp } from './helpers/loopback-http.js';
import { isolatedEnv, repoRoot, runCli, startCli } from './helpers/run-cli.js';

const workflowFile = join(repoRoot, 'test/fixtures/workflows/http-call.yaml');
const token = 'sk-test-5f1c9a7e3b';
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('agentbox workflow run: call: http', () => {
  it('keeps --allow-host across a resume after kill -9, with one idempotency key; secrets reach the request, not the store', async () => {
    let hang: (() => void) | undefined;
    const firstArrived = new Promise<void>((resolve) => (hang = resolve));
    let calls = 0;
    const server = await startLoopbackHttp(() => {
      calls += 1;
      // The first request hangs: the run is killed while it is in flight.
      if (calls === 1) {
        hang?.();
        return new Promise(() => undefined);
      }
      return { headers: { 'content-type': 'application/json' }, body: '{"charged":true}' };
    });
    servers.push(server);
    const env = isolatedEnv({ WF_TOKEN: token });
    const config = join(env.AGENTBOX_HOME as string, 'agentbox.config.json');
    writeFileSync(config, JSON.stringify({ workflow: { secrets: { token: { env: 'WF_TOKEN' } } } }));
    const input = JSON.stringify({ base: server.origin });
    const child = startCli(['-c', config, 'workflow', 'run', workflowFile, '--input', input, '--allow-host', `127.0.0.1:${server.port}`, '--json'], { env });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    await firstArrived;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const runId = /run ([0-9a-f-]{36}) started/.exec(stderr)?.[1] as string;
    expect(runId, stderr).toBeDefined();

    const resumed = await runCli(['-c', config, 'workflow', 'resume', runId, '--json'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'completed', output: { answer: { charged: true } } });
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first?.headers['idempotency-key']).toBe(`${runId}:/do/0/charge`);
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
    expect(second?.headers.authorization).toBe(`Bearer ${token}`);
    expect(second?.body).toBe('{"amount":5}');
    const home = env.AGENTBOX_HOME as string;
    const stored = Buffer.concat(
      readdirSync(home)
        .filter((f) => f.startsWith('sessions.db'))
        .map((f) => readFileSync(join(home, f))),
    );
    // The scan can fail: the journal's other values are there.
    expect(stored.includes(server.origin)).toBe(true);
    expect(stored.includes(token)).toBe(false);
    expect(resumed.stdout + resumed.stderr).not.toContain(token);
  });

  it('serve recovers a killed run with the hosts it was started with', async () => {
    let calls = 0;
    let hang: (() => void) | undefined;
    const firstArrived = new Promise<void>((resolve) => (hang = resolve));
    const server = await startLoopbackHttp(() => {
      calls += 1;
      if (calls === 1) {
        hang?.();
        return new Promise(() => undefined);
      }
      return { body: 'recovered' };
    });
    servers.push(server);
    const env = isolatedEnv();
    const input = JSON.stringify({ base: server.origin });
    const child = startCli(['workflow', 'run', workflowFile, '--input', input, '--allow-host', `127.0.0.1:${server.port}`, '--json'], { env });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<unknown>((resolve) => child.on('close', resolve));
    await firstArrived;
    child.kill('SIGKILL');
    await exited;
    const runId = /run ([0-9a-f-]{36}) started/.exec(stderr)?.[1] as string;
    const serve = startCli(['serve', '--port', '0'], { env });
    let serveErr = '';
    const recovered = new Promise<void>((resolve) =>
      serve.stderr?.setEncoding('utf8').on('data', (d: string) => {
        serveErr += d;
        if (serveErr.includes(`recovered workflow run ${runId}:`)) resolve();
      }),
    );
    const serveExited = new Promise<number | null>((resolve) => serve.on('close', (code) => resolve(code)));
    await recovered;
    expect(serveErr).toContain(`recovered workflow run ${runId}: completed`);
    expect(server.requests).toHaveLength(2);
    serve.kill('SIGTERM');
    expect(await serveExited).toBe(0);
  }, 30_000);

  it('denies a host not granted (exit 5, the authorization error at the task path) and refuses a malformed --allow-host', async () => {
    const server = await startLoopbackHttp(() => ({ body: 'ok' }));
    servers.push(server);
    const env = isolatedEnv();
    const input = JSON.stringify({ base: server.origin });
    const denied = await runCli(['workflow', 'run', workflowFile, '--input', input, '--json'], { env });
    expect(denied.code).toBe(5);
    expect(JSON.parse(denied.stdout).error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization',
      status: 403,
      instance: '/do/0/charge',
    });
    expect(server.requests).toHaveLength(0);
    const bad = await runCli(['workflow', 'run', workflowFile, '--input', input, '--allow-host', 'http://x/'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--allow-host');
    const help = await runCli(['workflow', 'run', '--help'], { env });
    expect(help.stdout).toContain('--allow-host <host>');
  });
});
