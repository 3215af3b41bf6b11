import { describe, it, expect } from 'vitest';
import { wasi } from '@bjorn3/browser_wasi_shim';
import { AgentboxError } from '../../errors/index.js';
import { MemoryDirectoryAdapter } from './memory-directory-adapter.js';
import { type RunWasiModuleOptions, runWasiModule } from './run-wasi-module.js';
import { loadWasmModule } from './wasm-module-cache.js';
import {
  capabilityProbeGuest,
  dumpStringsGuest,
  echoGuest,
  memoryBombGuest,
  outputBombGuest,
  readFileGuest,
  writeFileGuest,
  writeGuest,
} from './testing/wasi-test-guests.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

async function run(bytes: Uint8Array, options: Partial<RunWasiModuleOptions> & { memoryMb?: number } = {}) {
  const loaded = await loadWasmModule(bytes, { memoryMb: options.memoryMb ?? 4, label: 'test' });
  return runWasiModule({ maxOutputBytes: 1 << 20, ...options, loaded });
}

async function rejection(promise: Promise<unknown>): Promise<AgentboxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AgentboxError.isInstance(error)) throw new Error(`expected an AgentboxError, got ${String(error)}`);
  return error;
}

describe('runWasiModule', () => {
  it('runs a guest and collects stdout', async () => {
    const result = await run(writeGuest({ text: 'hello\n' }));
    expect(result).toMatchObject({ exitCode: 0 });
    expect(text(result.stdout)).toBe('hello\n');
    expect(result.stderr.byteLength).toBe(0);
  });

  it('feeds stdin', async () => {
    const result = await run(echoGuest(), { stdin: new TextEncoder().encode('{"a":1}') });
    expect(text(result.stdout)).toBe('{"a":1}');
  });

  it('reports a non-zero exit with stderr', async () => {
    const result = await run(writeGuest({ text: 'boom', fd: 2, exitCode: 3 }));
    expect(result.exitCode).toBe(3);
    expect(text(result.stderr)).toBe('boom');
  });

  it('passes no environment and only argv[0] unless granted', async () => {
    process.env.AGENTBOX_WASM_SECRET = 'leak-me';
    try {
      expect(text((await run(dumpStringsGuest('environ'))).stdout)).toBe('');
      expect(text((await run(dumpStringsGuest('args'))).stdout)).toBe('main.wasm\0');
      expect(text((await run(dumpStringsGuest('args'), { args: ['héllo', '😀'] })).stdout)).toBe('main.wasm\0héllo\0😀\0');
      const granted = await run(dumpStringsGuest('environ'), { env: { A: '1' } });
      expect(text(granted.stdout)).toBe('A=1\0');
      expect(text(granted.stdout)).not.toContain('leak-me');
    } finally {
      delete process.env.AGENTBOX_WASM_SECRET;
    }
  });

  it('denies the clock and randomness unless granted', async () => {
    expect((await run(capabilityProbeGuest('clock'))).exitCode).toBe(wasi.ERRNO_PERM);
    expect((await run(capabilityProbeGuest('random'))).exitCode).toBe(wasi.ERRNO_PERM);
    expect((await run(capabilityProbeGuest('clock'), { clock: true })).exitCode).toBe(0);
    expect((await run(capabilityProbeGuest('random'), { random: true })).exitCode).toBe(0);
  });

  it('stops an output bomb at the byte budget', async () => {
    const error = await rejection(run(outputBombGuest(), { maxOutputBytes: 10_000 }));
    expect(error.code).toBe('SANDBOX_OUTPUT_LIMIT');
    expect(error.details).toMatchObject({ limit: 'output', stream: 'stdout', limitBytes: 10_000 });
  });

  it.each([false, true])('stops a memory bomb at the ceiling (imported memory: %s)', async (importMemory) => {
    const error = await rejection(run(memoryBombGuest({ importMemory }), { memoryMb: 8 }));
    expect(error.code).toBe('SANDBOX_MEMORY_LIMIT');
    expect(error.details).toMatchObject({ limit: 'memory', phase: 'run', limitBytes: 8 * 1048576 });
    // Grown 16 pages at a time from 1: the last grow that fits ends at 113 of 128 pages.
    expect(error.details?.memoryBytes).toBe(113 * 65536);
  });

  it('refuses at load a module whose declared minimum is over the ceiling', async () => {
    const error = await rejection(run(writeGuest({ text: 'x', memory: [200] }), { memoryMb: 4 }));
    expect(error.code).toBe('SANDBOX_MEMORY_LIMIT');
    expect(error.message).toMatch(/minimum memory of 200 pages .*above the ceiling of 64 pages/);
    expect(error.details).toMatchObject({ phase: 'load' });
  });

  it('confines a granted directory: `..` and absolute paths are refused', async () => {
    const adapter = new MemoryDirectoryAdapter({ 'in.txt': 'inside' });
    const dirs = [{ guest: '/data', adapter, write: true }];
    expect(text((await run(readFileGuest('in.txt'), { dirs })).stdout)).toBe('inside');
    expect((await run(readFileGuest('../in.txt'), { dirs })).exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
    expect((await run(readFileGuest('/in.txt'), { dirs })).exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
    expect((await run(readFileGuest('sub/../../in.txt'), { dirs })).exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
  });

  it('writes through a writable grant and refuses a read-only one', async () => {
    const adapter = new MemoryDirectoryAdapter({ 'keep.txt': 'original' });
    expect((await run(writeFileGuest('keep.txt', 'changed'), { dirs: [{ guest: '/d', adapter, write: false }] })).exitCode).toBe(wasi.ERRNO_ROFS);
    expect(text(adapter.readFile(['keep.txt']))).toBe('original');
    expect((await run(writeFileGuest('new.txt', 'fresh'), { dirs: [{ guest: '/d', adapter, write: true }] })).exitCode).toBe(0);
    expect(text(adapter.readFile(['new.txt']))).toBe('fresh');
  });

  it('has no preopen unless a directory is granted', async () => {
    expect((await run(readFileGuest('in.txt'))).exitCode).toBe(wasi.ERRNO_BADF);
  });
});
