/** Messages between `NodeWasmHost` and its workers (structured-clone safe). */
import type { SerializedError } from '../../errors/index.js';
import type { WasiRunResult } from '../../sandbox/wasm/run-wasi-module.js';
import type { WasiJobPayload } from '../../sandbox/wasm/wasm-host.js';
import type { WasmFsRoot } from '../../sandbox/wasm/wasm-manifest.js';

/** The shared job payload plus what only Node's pool has: an id, directory grants, live output. */
export interface WorkerJobMessage extends WasiJobPayload {
  type: 'job';
  id: number;
  dirs: WasmFsRoot[];
  /** Where the guest's own hard links are remembered (see `hard-link-registry.ts`). */
  linkRegistryDir: string;
  stream: boolean;
}

export type WorkerReply =
  | { type: 'result'; id: number; result: WasiRunResult }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'output'; id: number; stream: 'stdout' | 'stderr'; chunk: Uint8Array };
