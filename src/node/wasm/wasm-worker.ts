/**
 * Worker entry of `NodeWasmHost`: runs one WASI job at a time with the portable runner
 * and Node directory adapters. It holds no state between jobs, so the pool can terminate
 * it at a deadline and start a fresh one. Must not use `import.meta`: in tests it is
 * bundled to CommonJS with esbuild (see `worker-source.ts`).
 */
import { parentPort } from 'node:worker_threads';
import { AgentboxError, serializeError } from '../../errors/index.js';
import { runWasiModule } from '../../sandbox/wasm/run-wasi-module.js';
import type { GrantedDirectory } from '../../sandbox/wasm/create-wasi.js';
import { NodeDirectoryAdapter } from './node-directory-adapter.js';
import type { WorkerJobMessage, WorkerReply } from './wasm-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('wasm-worker must run in a worker thread');

function openDirs(job: WorkerJobMessage): GrantedDirectory[] {
  return job.dirs.map((grant) => {
    try {
      return { guest: grant.guest, write: grant.write, adapter: new NodeDirectoryAdapter(grant.path, { linkRegistryDir: job.linkRegistryDir }) };
    } catch (error) {
      throw new AgentboxError('INVALID_INPUT', `granted directory ${grant.path} cannot be opened: ${(error as Error).message}`, {
        details: { dir: grant.path },
      });
    }
  });
}

port.on('message', (job: WorkerJobMessage) => {
  const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  const onOutput = job.stream
    ? (stream: 'stdout' | 'stderr', chunk: Uint8Array) => reply({ type: 'output', id: job.id, stream, chunk }, [chunk.buffer as ArrayBuffer])
    : undefined;
  (async () => {
    const dirs = openDirs(job);
    let result: Awaited<ReturnType<typeof runWasiModule>>;
    try {
      result = await runWasiModule({
        loaded: { module: job.module, memory: job.memory, ceilingPages: job.ceilingPages },
        argv0: job.argv0,
        args: job.args,
        stdin: job.stdin,
        env: job.env,
        dirs,
        maxOutputBytes: job.maxOutputBytes,
        clock: job.clock,
        random: job.random,
        ...(onOutput ? { onOutput } : {}),
      });
    } finally {
      // Each adapter holds its root open for the run.
      for (const dir of dirs) dir.adapter.close?.();
    }
    reply({ type: 'result', id: job.id, result }, [result.stdout.buffer as ArrayBuffer, result.stderr.buffer as ArrayBuffer]);
  })().catch((error: unknown) => {
    const serialized = AgentboxError.isInstance(error) ? error.toJSON() : { code: 'TOOL_FAILED' as const, message: serializeError(error).message };
    reply({ type: 'error', id: job.id, error: serialized });
  });
});
