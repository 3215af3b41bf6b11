/**
 * What a platform provides to run WASI jobs under a deadline. Node: `NodeWasmHost`
 * (`src/node/wasm/`), which runs each job in a worker it terminates at the deadline. Jobs
 * carry directory grants (`WasmFsRoot`) as host paths; the host maps them to directory adapters itself.
 */
import type { WasmFsRoot } from './wasm-manifest.js';
import type { LoadedWasmModule } from './wasm-module-cache.js';
import type { MemoryDeclaration } from './cap-wasm-memory.js';
import type { WasiRunResult } from './run-wasi-module.js';

export interface WasmJob {
  loaded: LoadedWasmModule;
  argv0?: string;
  args?: string[];
  stdin?: Uint8Array;
  env?: Record<string, string>;
  /** The directories to preopen: a manifest's `fsRoots` as narrowed for this call. */
  dirs?: WasmFsRoot[];
  timeoutMs: number;
  maxOutputBytes: number;
  clock?: boolean;
  random?: boolean;
  /** Cancels the job (the host stops it as it would at the deadline). */
  signal?: AbortSignal;
  /** Live pass-through of output (e.g. the CLI); the result's stdout/stderr are then empty. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void;
}

export interface WasmHost {
  /**
   * Runs one job. Resolves with the exit code and output (a trap is exit code 134 with
   * `trap` set); rejects with TOOL_TIMEOUT, SANDBOX_MEMORY_LIMIT, SANDBOX_OUTPUT_LIMIT or
   * CANCELLED when a limit stops it.
   */
  run(job: WasmJob): Promise<WasiRunResult>;
}

/** What a worker needs to run one job: structured-clone safe (no signal, no callbacks). */
export interface WasiJobPayload {
  module: WebAssembly.Module;
  memory: MemoryDeclaration;
  ceilingPages: number;
  argv0: string;
  args: string[];
  stdin: Uint8Array;
  env: Record<string, string>;
  maxOutputBytes: number;
  clock: boolean;
  random: boolean;
}

/** The job with its defaults filled in, ready to post to a worker (Node pool or browser host). */
export function wasiJobPayload(job: WasmJob): WasiJobPayload {
  return {
    module: job.loaded.module,
    memory: job.loaded.memory,
    ceilingPages: job.loaded.ceilingPages,
    argv0: job.argv0 ?? 'main.wasm',
    args: job.args ?? [],
    stdin: job.stdin ?? new Uint8Array(0),
    env: job.env ?? {},
    maxOutputBytes: job.maxOutputBytes,
    clock: job.clock ?? false,
    random: job.random ?? false,
  };
}
