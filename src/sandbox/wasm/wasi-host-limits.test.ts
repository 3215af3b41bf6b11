/**
 * Hostile use of the WASI host surface a guest reaches: the same imports a module calls,
 * driven with guest-chosen arguments against a real linear memory. Covers the host memory
 * and descriptors a guest can pin through open files, and numbers that arrive signed from
 * i64 parameters.
 */
import { describe, it, expect } from 'vitest';
import { wasi } from '@bjorn3/browser_wasi_shim';
import { createWasi } from './create-wasi.js';
import type { DirectoryAdapter } from './directory-adapter.js';
import { MemoryDirectoryAdapter } from './memory-directory-adapter.js';
import { runWasiModule } from './run-wasi-module.js';
import { loadWasmModule } from './wasm-module-cache.js';
import { I32, I64, WasmModuleBuilder, op } from './testing/wasm-module-builder.js';

const MiB = 1 << 20;
const RIGHT_FD_READ = 1n << 1n;
const RIGHT_FD_WRITE = 1n << 6n;
const PATH = 512;
const RESULT = 24;

function host(adapter: DirectoryAdapter, options: { maxFileBytes: number; maxOpenFiles?: number; clock?: boolean }) {
  const context = createWasi({
    argv0: 'guest',
    args: [],
    env: {},
    stdin: new Uint8Array(0),
    dirs: [{ guest: '/data', adapter, write: true }],
    maxOutputBytes: MiB,
    maxFileBytes: options.maxFileBytes,
    maxOpenFiles: options.maxOpenFiles ?? 16,
    clock: options.clock ?? false,
    random: false,
    onOutput: undefined,
  });
  const memory = new WebAssembly.Memory({ initial: 2 });
  context.wasi.inst = { exports: { memory } };
  const view = new DataView(memory.buffer);
  const call = (name: string, ...args: Array<number | bigint>): number => (context.imports[name] as (...a: Array<number | bigint>) => number)(...args);
  const putPath = (path: string): number => {
    const bytes = new TextEncoder().encode(path);
    new Uint8Array(memory.buffer).set(bytes, PATH);
    return bytes.length;
  };
  const open = (path: string, options: { oflags?: number; rights?: bigint } = {}): { ret: number; fd: number } => {
    const ret = call('path_open', 3, 0, PATH, putPath(path), options.oflags ?? 0, options.rights ?? RIGHT_FD_READ, 0n, 0, RESULT);
    return { ret, fd: view.getUint32(RESULT, true) };
  };
  return { call, open, view, putPath };
}

/** A guest that opens `path` under fd 3 up to `times` times without closing; exits with the first errno, else 0. */
function reopenGuest(path: string, times: number): Uint8Array {
  const b = new WasmModuleBuilder();
  const W = 'wasi_snapshot_preview1';
  const procExit = b.importFunction(W, 'proc_exit', [I32]);
  const pathOpen = b.importFunction(W, 'path_open', [I32, I32, I32, I32, I32, I64, I64, I32, I32], [I32]);
  b.defineMemory(1);
  const bytes = new TextEncoder().encode(path);
  b.addData(PATH, bytes);
  // locals: 0 = errno, 1 = count
  const body = [
    op.loop,
    [
      op.i32(3),
      op.i32(0),
      op.i32(PATH),
      op.i32(bytes.length),
      op.i32(0),
      op.i64(RIGHT_FD_READ),
      op.i64(0),
      op.i32(0),
      op.i32(RESULT),
      op.call(pathOpen),
    ].flat(),
    op.localTee(0),
    op.if,
    op.localGet(0),
    op.call(procExit),
    op.end,
    op.localGet(1),
    op.i32(1),
    op.i32Add,
    op.localTee(1),
    op.i32(times),
    op.i32Ne,
    op.brIf(0),
    op.end,
  ];
  b.addFunction({ exportName: '_start', locals: [I32, I32], body });
  return b.build();
}

/** Host memory in ArrayBuffers now: where file copies would show up. */
function arrayBufferBytes(): number {
  return process.memoryUsage().arrayBuffers;
}

describe('open files and host memory', () => {
  it('lets a guest open one large file again and again without a copy per open', async () => {
    const adapter = new MemoryDirectoryAdapter({ big: new Uint8Array(8 * MiB) });
    const loaded = await loadWasmModule(reopenGuest('big', 100), { memoryMb: 1, label: 'reopen' });
    const before = arrayBufferBytes();
    // When every open held a whole copy, 100 opens pinned 800 MiB; now they share the file.
    const result = await runWasiModule({
      loaded,
      dirs: [{ guest: '/data', adapter, write: false }],
      maxOutputBytes: MiB,
      maxFileBytes: MiB,
      maxOpenFiles: 128,
    });
    expect(result.exitCode).toBe(0);
    expect(arrayBufferBytes() - before).toBeLessThan(32 * MiB);
  });

  it('stops a guest that opens files without closing them at the open-file count (EMFILE)', async () => {
    const adapter = new MemoryDirectoryAdapter({ small: new Uint8Array(1024) });
    const loaded = await loadWasmModule(reopenGuest('small', 100), { memoryMb: 1, label: 'reopen' });
    const result = await runWasiModule({ loaded, dirs: [{ guest: '/data', adapter, write: false }], maxOutputBytes: MiB, maxOpenFiles: 10 });
    expect(result.exitCode).toBe(wasi.ERRNO_MFILE);
  });

  it('gives the count back when a file is closed', () => {
    const h = host(new MemoryDirectoryAdapter({ big: new Uint8Array(MiB) }), { maxFileBytes: MiB, maxOpenFiles: 2 });
    for (let i = 0; i < 20; i++) {
      const { ret, fd } = h.open('big');
      expect(ret).toBe(wasi.ERRNO_SUCCESS);
      expect(h.call('fd_close', fd)).toBe(wasi.ERRNO_SUCCESS);
    }
    const kept = [h.open('big'), h.open('big')];
    expect(kept.map((k) => k.ret)).toEqual([wasi.ERRNO_SUCCESS, wasi.ERRNO_SUCCESS]);
    expect(h.open('big').ret).toBe(wasi.ERRNO_MFILE);
  });

  it('streams a file sixteen times the growth cap through a two-page guest memory', () => {
    const size = 16 * MiB;
    const content = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) content[i] = (i >> 12) & 0xff;
    const h = host(new MemoryDirectoryAdapter({ log: content }), { maxFileBytes: MiB });
    const { ret, fd } = h.open('log');
    expect(ret).toBe(wasi.ERRNO_SUCCESS);
    // One iovec of 32 KiB at offset 4096 of guest memory, read until the end.
    const BUFFER = 4096;
    const PIECE = 32 * 1024;
    h.view.setUint32(0, BUFFER, true);
    h.view.setUint32(4, PIECE, true);
    let total = 0;
    let sum = 0;
    for (;;) {
      expect(h.call('fd_read', fd, 0, 1, 8)).toBe(wasi.ERRNO_SUCCESS);
      const n = h.view.getUint32(8, true);
      if (n === 0) break;
      for (let i = 0; i < n; i += 4096) sum += h.view.getUint8(BUFFER + i);
      total += n;
    }
    expect(total).toBe(size);
    expect(sum).toBe(content.reduce((a, b) => a + b, 0));
  });

  it('caps growth through write, pwrite, allocate and set_size at the file cap (FBIG)', () => {
    const h = host(new MemoryDirectoryAdapter({}), { maxFileBytes: MiB });
    const rights = RIGHT_FD_READ | RIGHT_FD_WRITE;
    const a = h.open('a', { oflags: wasi.OFLAGS_CREAT, rights });
    expect(h.call('fd_filestat_set_size', a.fd, BigInt(MiB))).toBe(wasi.ERRNO_SUCCESS);
    expect(h.call('fd_filestat_set_size', a.fd, BigInt(MiB) + 1n)).toBe(wasi.ERRNO_FBIG);
    expect(h.call('fd_allocate', a.fd, BigInt(MiB), 1n)).toBe(wasi.ERRNO_FBIG);
    h.view.setUint32(0, 1024, true);
    h.view.setUint32(4, 16, true);
    expect(h.call('fd_pwrite', a.fd, 0, 1, BigInt(MiB) - 8n, 8)).toBe(wasi.ERRNO_FBIG);
    expect(h.call('fd_seek', a.fd, 0n, wasi.WHENCE_END, 16)).toBe(wasi.ERRNO_SUCCESS);
    expect(h.call('fd_write', a.fd, 0, 1, 8)).toBe(wasi.ERRNO_FBIG);
    expect(h.call('fd_pwrite', a.fd, 0, 1, 0n, 8)).toBe(wasi.ERRNO_SUCCESS);
  });
});

describe('signed i64 arguments', () => {
  it('answers a negative pwrite offset with EINVAL instead of a host exception', () => {
    const h = host(new MemoryDirectoryAdapter({ f: 'abc' }), { maxFileBytes: MiB });
    const { fd } = h.open('f', { rights: RIGHT_FD_READ | RIGHT_FD_WRITE });
    h.view.setUint32(0, 1024, true);
    h.view.setUint32(4, 3, true);
    expect(h.call('fd_pwrite', fd, 0, 1, -5n, 8)).toBe(wasi.ERRNO_INVAL);
    expect(h.call('fd_allocate', fd, -10n, 5n)).toBe(wasi.ERRNO_INVAL);
    expect(h.call('fd_filestat_set_size', fd, -1n)).toBe(wasi.ERRNO_INVAL);
  });
});

describe('reads straight into guest memory', () => {
  it('fills several iovecs in order, moves the position only for fd_read, and stops at the end of the file', () => {
    const h = host(new MemoryDirectoryAdapter({ f: 'abcdefghij' }), { maxFileBytes: MiB });
    const { fd } = h.open('f');
    const text = (at: number, length: number): string => new TextDecoder().decode(new Uint8Array(h.view.buffer, at, length));
    // Two iovecs: 4 bytes at 2048, 3 bytes at 3072.
    h.view.setUint32(0, 2048, true);
    h.view.setUint32(4, 4, true);
    h.view.setUint32(8, 3072, true);
    h.view.setUint32(12, 3, true);
    expect(h.call('fd_pread', fd, 0, 2, 2n, 16)).toBe(wasi.ERRNO_SUCCESS);
    expect([h.view.getUint32(16, true), text(2048, 4), text(3072, 3)]).toEqual([7, 'cdef', 'ghi']);
    expect(h.call('fd_read', fd, 0, 2, 16)).toBe(wasi.ERRNO_SUCCESS);
    expect([h.view.getUint32(16, true), text(2048, 4), text(3072, 3)]).toEqual([7, 'abcd', 'efg']);
    expect(h.call('fd_read', fd, 0, 2, 16)).toBe(wasi.ERRNO_SUCCESS);
    expect([h.view.getUint32(16, true), text(2048, 3)]).toEqual([3, 'hij']);
    expect(h.call('fd_pread', fd, 0, 1, -1n, 16)).toBe(wasi.ERRNO_INVAL);
  });

  it('answers an iovec past the end of guest memory with EFAULT instead of a host exception', () => {
    const h = host(new MemoryDirectoryAdapter({ f: 'abc' }), { maxFileBytes: MiB });
    const { fd } = h.open('f');
    h.view.setUint32(0, h.view.byteLength - 1, true);
    h.view.setUint32(4, 16, true);
    expect(h.call('fd_read', fd, 0, 1, 8)).toBe(wasi.ERRNO_FAULT);
    expect(h.view.getUint32(8, true)).toBe(0);
  });

  it('refuses a write-only descriptor with BADF', () => {
    const h = host(new MemoryDirectoryAdapter({ f: 'abc' }), { maxFileBytes: MiB });
    const { fd } = h.open('f', { rights: RIGHT_FD_WRITE });
    h.view.setUint32(0, 2048, true);
    h.view.setUint32(4, 3, true);
    expect(h.call('fd_read', fd, 0, 1, 8)).toBe(wasi.ERRNO_BADF);
  });
});
