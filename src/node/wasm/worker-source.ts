/**
 * Where the pool's worker code comes from. Built (`dist/`), `wasm-worker.js` sits beside
 * this file and is loaded directly. Run from source (vitest runs `.ts` without a build,
 * and Node 20 cannot load TypeScript in a worker), `wasm-worker.ts` is bundled once per
 * process with esbuild — a devDependency, imported only on that path — into CommonJS and
 * started with `eval: true`. One worker file, no hand-written `.js` to keep in step.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

let bundled: Promise<string> | undefined;

async function bundleFromSource(entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the wasm worker');
  return output.text;
}

/** A factory for fresh workers; resolves once the worker code is available. */
export async function wasmWorkerFactory(): Promise<() => Worker> {
  const compiled = new URL('./wasm-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return () => new Worker(compiled);
  const source = fileURLToPath(new URL('./wasm-worker.ts', import.meta.url));
  if (!existsSync(source)) throw new Error(`wasm worker not found next to ${fileURLToPath(import.meta.url)}`);
  bundled ??= bundleFromSource(source);
  const code = await bundled;
  return () => new Worker(code, { eval: true });
}
