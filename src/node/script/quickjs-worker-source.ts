/**
 * What the QuickJS worker pool starts its workers with: the worker code (see
 * worker-factory.ts) and QuickJS's WebAssembly module, compiled once per pool off the
 * main thread (`WebAssembly.compile`) and shared by every worker, so a worker — a fresh
 * one replacing a terminated worker too — only instantiates it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { workerFactory, type WorkerMaker } from '../worker/worker-factory.js';

/** The build `quickjs-emscripten` uses by default (release, sync), from that package's own dependency. */
async function compileQuickJsModule(): Promise<WebAssembly.Module> {
  const require = createRequire(import.meta.url);
  const fromQuickJs = createRequire(require.resolve('quickjs-emscripten'));
  const bytes = await readFile(fromQuickJs.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
  return WebAssembly.compile(bytes);
}

export async function quickJsWorkerSource(): Promise<{ make: WorkerMaker; wasmModule: WebAssembly.Module }> {
  const [make, wasmModule] = await Promise.all([
    workerFactory({
      compiled: new URL('./quickjs-worker.js', import.meta.url),
      source: new URL('./quickjs-worker.ts', import.meta.url),
      // It finds its own files on disk; bundled, it could not.
      external: ['quickjs-emscripten'],
    }),
    compileQuickJsModule(),
  ]);
  return { make, wasmModule };
}
