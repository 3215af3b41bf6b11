/** Messages between `NodeWasmHost` and its workers (structured-clone safe). */
import type { SerializedError } from '../../errors/index.js';
import type { WasmFsRoot, WasiJobPayload, WasiRunResult } from '../../sandbox/wasm/index.js';

/** The shared job payload plus what only Node's pool has: an id, directory grants, live output. */
export interface WorkerJobMessage extends WasiJobPayload {
  type: 'job';
  id: number;
  dirs: WasmFsRoot[];
  stream: boolean;
}

export type WorkerReply =
  | { type: 'result'; id: number; result: WasiRunResult }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'output'; id: number; stream: 'stdout' | 'stderr'; chunk: Uint8Array };
