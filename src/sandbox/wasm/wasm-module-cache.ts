/**
 * Loads WASM tool modules: caps their memory, compiles them once and checks that the host
 * can run them (a `_start` export, an exported or imported memory, only WASI imports).
 * Compiled modules are cached by the SHA-256 of their bytes and the memory ceiling, so a
 * warm call never compiles again; `WebAssembly.Module` is cloneable to workers.
 */
import { AgentboxError } from '../../errors/index.js';
import { MemoryCeilingError, WASM_PAGE_BYTES, type MemoryDeclaration, capWasmMemory } from './cap-wasm-memory.js';
import { WASI_FUNCTIONS, WASI_MODULE } from './create-wasi.js';
import { WasmFormatError } from './wasm-binary.js';

export interface LoadedWasmModule {
  module: WebAssembly.Module;
  /** Hex SHA-256 of the original bytes. */
  hash: string;
  /** The module's memory after capping (the host provides it when imported). */
  memory: MemoryDeclaration;
  ceilingPages: number;
}

export interface LoadWasmOptions {
  memoryMb: number;
  /** Used in error messages, e.g. the tool name or file path. */
  label?: string;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function loadError(label: string, reason: string, cause?: unknown): AgentboxError {
  return new AgentboxError('WASM_LOAD_FAILED', `cannot load wasm module ${label}: ${reason}`, { cause, details: { module: label } });
}

function checkInterface(module: WebAssembly.Module, memories: MemoryDeclaration[], label: string): MemoryDeclaration {
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.kind === 'memory') continue;
    if (entry.kind === 'function' && entry.module === WASI_MODULE && WASI_FUNCTIONS.has(entry.name)) continue;
    const hint = entry.module === 'wasi_unstable' ? ' (WASI preview0 is not supported; target wasm32-wasip1)' : '';
    throw loadError(label, `it imports ${entry.kind} "${entry.module}"."${entry.name}", which the host does not provide${hint}`);
  }
  const exports = WebAssembly.Module.exports(module);
  if (!exports.some((e) => e.name === '_start' && e.kind === 'function')) {
    throw loadError(label, 'it has no "_start" function export (is it a WASI command module?)');
  }
  const memory = memories[0];
  if (memories.length !== 1 || memory === undefined) throw loadError(label, `it has ${memories.length} memories; exactly one is supported`);
  if (memory.import === undefined && !exports.some((e) => e.name === 'memory' && e.kind === 'memory')) {
    throw loadError(label, 'it does not export its memory as "memory"');
  }
  return memory;
}

/** Compiles and checks one module without caching. */
export async function loadWasmModule(bytes: Uint8Array, options: LoadWasmOptions, hash?: string): Promise<LoadedWasmModule> {
  const label = options.label ?? 'module';
  const ceilingPages = Math.floor((options.memoryMb * 1048576) / WASM_PAGE_BYTES);
  let capped: ReturnType<typeof capWasmMemory>;
  try {
    capped = capWasmMemory(bytes, ceilingPages);
  } catch (error) {
    if (error instanceof MemoryCeilingError) {
      throw new AgentboxError('SANDBOX_MEMORY_LIMIT', `wasm module ${label} refused at load: ${error.message}`, {
        details: { limit: 'memory', phase: 'load', minBytes: error.minPages * WASM_PAGE_BYTES, limitBytes: ceilingPages * WASM_PAGE_BYTES },
      });
    }
    if (error instanceof WasmFormatError) throw loadError(label, error.message, error);
    throw error;
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(capped.bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw loadError(label, `invalid WebAssembly: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const memory = checkInterface(module, capped.memories, label);
  return { module, hash: hash ?? (await sha256Hex(bytes)), memory, ceilingPages };
}

/** A bounded cache of compiled modules keyed by content hash and memory ceiling. */
export class WasmModuleCache {
  private readonly entries = new Map<string, Promise<LoadedWasmModule>>();
  private counters = { compiles: 0, hits: 0 };

  constructor(private readonly maxEntries = 64) {}

  async load(bytes: Uint8Array, options: LoadWasmOptions): Promise<LoadedWasmModule> {
    const hash = await sha256Hex(bytes);
    const key = `${hash}:${options.memoryMb}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.counters.hits++;
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    this.counters.compiles++;
    const pending = loadWasmModule(bytes, options, hash);
    this.entries.set(key, pending);
    pending.catch(() => this.entries.delete(key));
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return pending;
  }

  stats(): { compiles: number; hits: number; size: number } {
    return { ...this.counters, size: this.entries.size };
  }
}

/** The process-wide default cache. */
export const defaultWasmModuleCache = new WasmModuleCache();
