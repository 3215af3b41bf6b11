/**
 * Where a worker pool's code comes from. Built (`dist/`), the worker's `.js` sits beside
 * the pool's module and is loaded directly. Run from source (vitest runs `.ts` without a
 * build, and Node 20 cannot load TypeScript in a worker), the `.ts` entry is bundled once
 * per process with esbuild — a devDependency, imported only on that path — into CommonJS
 * and started with `eval: true`. One worker file per pool, no hand-written `.js` to keep
 * in step.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export interface WorkerEntry {
  /** The built worker, e.g. `new URL('./wasm-worker.js', import.meta.url)`. */
  compiled: URL;
  /** Its TypeScript source, e.g. `new URL('./wasm-worker.ts', import.meta.url)`. */
  source: URL;
  /**
   * Packages the bundle loads with `require` instead of inlining, resolved from the working
   * directory (vitest's is the package root): ones that find their own files on disk.
   */
  external?: string[];
}

export type WorkerMaker = (options?: Omit<WorkerOptions, 'eval'>) => Worker;

const bundles = new Map<string, Promise<string>>();

async function bundleFromSource(entry: string, external: string[]): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    external,
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}

/** A factory for fresh workers; resolves once the worker code is available. */
export async function workerFactory(entry: WorkerEntry): Promise<WorkerMaker> {
  if (existsSync(fileURLToPath(entry.compiled))) return (options) => new Worker(entry.compiled, options);
  const source = fileURLToPath(entry.source);
  if (!existsSync(source)) throw new Error(`worker not found: neither ${fileURLToPath(entry.compiled)} nor ${source} exists`);
  let bundled = bundles.get(source);
  if (!bundled) {
    bundled = bundleFromSource(source, entry.external ?? []);
    bundles.set(source, bundled);
  }
  const code = await bundled;
  return (options) => new Worker(code, { ...options, eval: true });
}
