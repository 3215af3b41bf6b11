/**
 * Runs any WASI command module once under the sandbox, for the CLI (`agentbox wasm run`)
 * and conformance tests: the same loader, limits and worker pool as WASM tools.
 */
import type { WasiRunResult } from '../../sandbox/wasm/run-wasi-module.js';
import type { WasmJob } from '../../sandbox/wasm/wasm-host.js';
import { DEFAULT_WASM_MAX_OUTPUT_BYTES } from '../../sandbox/wasm/wasm-manifest.js';
import { defaultWasmModuleCache, type WasmModuleCache } from '../../sandbox/wasm/wasm-module-cache.js';
import { NodeWasmHost } from './node-wasm-host.js';

/** A job as `WasmHost.run` takes it, but from raw bytes: compiled here with the memory ceiling. */
export interface RunWasiOptions extends Omit<WasmJob, 'loaded' | 'maxOutputBytes'> {
  /** The module's bytes. */
  module: Uint8Array;
  /** Label for errors, e.g. the file path. */
  label?: string;
  memoryMb: number;
  maxOutputBytes?: number;
  /** Reuse a pool; by default a one-worker pool is started and closed. */
  pool?: NodeWasmHost;
  cache?: WasmModuleCache;
}

export async function runWasi(options: RunWasiOptions): Promise<WasiRunResult> {
  const loaded = await (options.cache ?? defaultWasmModuleCache).load(options.module, { memoryMb: options.memoryMb, label: options.label ?? 'module' });
  const pool = options.pool ?? new NodeWasmHost({ size: 1 });
  try {
    return await pool.run({
      loaded,
      argv0: options.argv0 ?? options.label ?? 'main.wasm',
      args: options.args ?? [],
      stdin: options.stdin ?? new Uint8Array(0),
      env: options.env ?? {},
      dirs: options.dirs ?? [],
      timeoutMs: options.timeoutMs,
      maxOutputBytes: options.maxOutputBytes ?? DEFAULT_WASM_MAX_OUTPUT_BYTES,
      clock: options.clock ?? false,
      random: options.random ?? false,
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    if (!options.pool) await pool.close();
  }
}
