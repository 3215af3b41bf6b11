/** Messages between `BrowserWasmHost` and its job worker (structured-clone safe). */
import type { SerializedError } from '../errors/agentbox-error.js';
import type { MemoryDeclaration } from '../sandbox/wasm/cap-wasm-memory.js';
import type { WasiRunResult } from '../sandbox/wasm/run-wasi-module.js';

export interface WasmJobMessage {
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

export type WasmJobReply = { ok: true; result: WasiRunResult } | { ok: false; error: SerializedError };
