/** Messages between `WasmWorkerPool` and its workers (structured-clone safe). */
import type { SerializedError } from '../../errors/index.js';
import type { DirGrant, MemoryDeclaration, WasiRunResult } from '../../sandbox/wasm/index.js';

export interface WorkerJobMessage {
  type: 'job';
  id: number;
  module: WebAssembly.Module;
  memory: MemoryDeclaration;
  ceilingPages: number;
  argv0: string;
  args: string[];
  stdin: Uint8Array;
  env: Record<string, string>;
  dirs: DirGrant[];
  maxOutputBytes: number;
  clock: boolean;
  random: boolean;
  stream: boolean;
}

export type WorkerReply =
  | { type: 'result'; id: number; result: WasiRunResult }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'output'; id: number; stream: 'stdout' | 'stderr'; chunk: Uint8Array };
