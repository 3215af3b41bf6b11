import { describe, it, expect } from 'vitest';
import { AgentboxError } from '../../errors/index.js';
import { capWasmMemory } from './cap-wasm-memory.js';
import { WasmModuleCache, loadWasmModule } from './wasm-module-cache.js';
import { memoryBombGuest, noStartGuest, unknownImportGuest, writeGuest } from './testing/wasi-test-guests.js';
import { WasmModuleBuilder } from './testing/wasm-module-builder.js';

async function loadError(bytes: Uint8Array, memoryMb = 4): Promise<AgentboxError> {
  const error = await loadWasmModule(bytes, { memoryMb, label: '"probe"' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AgentboxError.isInstance(error)) throw new Error(`expected an AgentboxError, got ${String(error)}`);
  return error;
}

describe('loadWasmModule', () => {
  it('rejects bytes that are not WebAssembly', async () => {
    const error = await loadError(new TextEncoder().encode('#!/bin/sh\necho hi\n'));
    expect(error.code).toBe('WASM_LOAD_FAILED');
    expect(error.message).toBe('cannot load wasm module "probe": not a WebAssembly module (bad magic number)');
  });

  it('rejects a truncated module', async () => {
    const bytes = writeGuest({ text: 'hello' });
    const error = await loadError(bytes.subarray(0, bytes.length - 5));
    expect(error.code).toBe('WASM_LOAD_FAILED');
    expect(error.message).toMatch(/runs past the end/);
  });

  it('names an import the host does not provide', async () => {
    const error = await loadError(unknownImportGuest());
    expect(error.code).toBe('WASM_LOAD_FAILED');
    expect(error.message).toBe('cannot load wasm module "probe": it imports function "env"."launch_missiles", which the host does not provide');
  });

  it('requires a _start export', async () => {
    const error = await loadError(noStartGuest());
    expect(error.message).toMatch(/no "_start" function export/);
  });

  it('requires an exported memory', async () => {
    const builder = new WasmModuleBuilder();
    builder.addFunction({ exportName: '_start', body: [] });
    expect((await loadError(builder.build())).message).toMatch(/has 0 memories/);
  });
});

describe('capWasmMemory', () => {
  it('adds a maximum to a defined memory and lowers one above the ceiling', async () => {
    const unbounded = capWasmMemory(writeGuest({ text: 'x', memory: [2] }), 10);
    expect(unbounded.memories).toEqual([{ import: undefined, minPages: 2, maxPages: 10, shared: false }]);
    const high = capWasmMemory(writeGuest({ text: 'x', memory: [2, 30000] }), 10);
    expect(high.memories[0]?.maxPages).toBe(10);
    const low = capWasmMemory(writeGuest({ text: 'x', memory: [2, 3] }), 10);
    expect(low.memories[0]?.maxPages).toBe(3);
    // The engine sees the rewritten maximum.
    const instance = await WebAssembly.instantiate(await WebAssembly.compile(high.bytes as Uint8Array<ArrayBuffer>), {
      wasi_snapshot_preview1: { fd_write: () => 0, fd_read: () => 0, proc_exit: () => 0 },
    });
    const memory = instance.exports.memory as WebAssembly.Memory;
    expect(memory.grow(8)).toBe(2);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });

  it('caps an imported memory', () => {
    const capped = capWasmMemory(memoryBombGuest({ importMemory: true }), 16);
    expect(capped.memories).toEqual([{ import: { module: 'env', name: 'memory' }, minPages: 1, maxPages: 16, shared: false }]);
  });
});

describe('WasmModuleCache', () => {
  it('compiles once per content and ceiling', async () => {
    const cache = new WasmModuleCache();
    const bytes = writeGuest({ text: 'cached' });
    const first = await cache.load(bytes, { memoryMb: 4 });
    const second = await cache.load(bytes.slice(), { memoryMb: 4 });
    expect(second.module).toBe(first.module);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    await cache.load(bytes, { memoryMb: 8 });
    expect(cache.stats()).toMatchObject({ compiles: 2, hits: 1, size: 2 });
  });

  it('does not cache failures', async () => {
    const cache = new WasmModuleCache();
    const bytes = unknownImportGuest();
    await expect(cache.load(bytes, { memoryMb: 4 })).rejects.toMatchObject({ code: 'WASM_LOAD_FAILED' });
    await expect(cache.load(bytes, { memoryMb: 4 })).rejects.toMatchObject({ code: 'WASM_LOAD_FAILED' });
    expect(cache.stats()).toMatchObject({ compiles: 2, size: 0 });
  });
});
