/**
 * Starts the real `agentbox serve` (the compiled CLI, as a user runs it) on a free
 * loopback port with a config file, and waits until /healthz answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../../helpers/run-cli.js';

export interface RunningService {
  url: string;
  /** What the service wrote so far (for failure messages). */
  output(): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startAgentboxServe(config: Record<string, unknown>, env: Record<string, string> = {}): Promise<RunningService> {
  const dir = await mkdtemp(join(tmpdir(), 'agentbox-serve-'));
  const configPath = join(dir, 'agentbox.config.json');
  await writeFile(configPath, JSON.stringify(config));
  const port = await freePort();
  // A clean environment: no LLM endpoint leaks in from the developer's shell.
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENAI_') && !k.startsWith('AGENTBOX_')));
  const child: ChildProcess = spawn(process.execPath, [cliPath, 'serve', '--port', String(port), '--host', '127.0.0.1', '--config', configPath], {
    cwd: repoRoot,
    env: { ...cleanEnv, AGENTBOX_HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`agentbox serve exited with ${child.exitCode}: ${output}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`agentbox serve did not answer /healthz within 15 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output: () => output,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
