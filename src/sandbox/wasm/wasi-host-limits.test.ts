/**
 * Hostile use of the WASI host surface a guest reaches: the same imports a module calls,
 * driven with guest-chosen arguments against a real linear memory. Covers the host memory
 * a guest can pin through open files, and numbers that arrive signed from i64 parameters.
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

function host(adapter: DirectoryAdapter, options: { maxFileBytes: number; maxOpenFileBytes: number; clock?: boolean }) {
  const context = createWasi({
    argv0: 'guest',
    args: [],
    env: {},
    stdin: new Uint8Array(0),
    dirs: [{ guest: '/data', adapter, write: true }],
    maxOutputBytes: MiB,
    maxFileBytes: options.maxFileBytes,
    maxOpenFileBytes: options.maxOpenFileBytes,
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

describe('open files and host memory', () => {
  it('stops a guest that opens the same large file again and again', async () => {
    const adapter = new MemoryDirectoryAdapter({ big: new Uint8Array(MiB) });
    const loaded = await loadWasmModule(reopenGuest('big', 100), { memoryMb: 1, label: 'reopen' });
    // Every open holds a whole copy of the file on the host: 100 opens would be 100 MiB.
    const result = await runWasiModule({
      loaded,
      dirs: [{ guest: '/data', adapter, write: false }],
      maxOutputBytes: MiB,
      maxFileBytes: MiB,
      maxOpenFileBytes: 3 * MiB,
    });
    expect(result.exitCode).toBe(wasi.ERRNO_NOMEM);
  });

  it('lets the same guest open it many times when each open fits the budget', async () => {
    const adapter = new MemoryDirectoryAdapter({ small: new Uint8Array(1024) });
    const loaded = await loadWasmModule(reopenGuest('small', 100), { memoryMb: 1, label: 'reopen' });
    const result = await runWasiModule({ loaded, dirs: [{ guest: '/data', adapter, write: false }], maxOutputBytes: MiB, maxFileBytes: MiB });
    expect(result.exitCode).toBe(0);
  });

  it('gives the budget back when a file is closed', () => {
    const h = host(new MemoryDirectoryAdapter({ big: new Uint8Array(MiB) }), { maxFileBytes: MiB, maxOpenFileBytes: 2 * MiB });
    for (let i = 0; i < 20; i++) {
      const { ret, fd } = h.open('big');
      expect(ret).toBe(wasi.ERRNO_SUCCESS);
      expect(h.call('fd_close', fd)).toBe(wasi.ERRNO_SUCCESS);
    }
    const kept = [h.open('big'), h.open('big')];
    expect(kept.map((k) => k.ret)).toEqual([wasi.ERRNO_SUCCESS, wasi.ERRNO_SUCCESS]);
    expect(h.open('big').ret).toBe(wasi.ERRNO_NOMEM);
  });

  it('counts files growing through write, pwrite, allocate and set_size', () => {
    const h = host(new MemoryDirectoryAdapter({}), { maxFileBytes: MiB, maxOpenFileBytes: MiB + 4096 });
    const rights = RIGHT_FD_READ | RIGHT_FD_WRITE;
    const a = h.open('a', { oflags: wasi.OFLAGS_CREAT, rights });
    const b = h.open('b', { oflags: wasi.OFLAGS_CREAT, rights });
    expect(h.call('fd_filestat_set_size', a.fd, BigInt(MiB))).toBe(wasi.ERRNO_SUCCESS);
    // Each of these is under the per-file cap but over what the run has left.
    expect(h.call('fd_filestat_set_size', b.fd, 8192n)).toBe(wasi.ERRNO_NOMEM);
    expect(h.call('fd_allocate', b.fd, 0n, 8192n)).toBe(wasi.ERRNO_NOMEM);
    h.view.setUint32(0, 1024, true);
    h.view.setUint32(4, 16, true);
    expect(h.call('fd_pwrite', b.fd, 0, 1, 8192n, 8)).toBe(wasi.ERRNO_NOMEM);
    expect(h.call('fd_write', b.fd, 0, 1, 8)).toBe(wasi.ERRNO_SUCCESS);
  });
});

describe('signed i64 arguments', () => {
  it('answers a negative pwrite offset with EINVAL instead of a host exception', () => {
    const h = host(new MemoryDirectoryAdapter({ f: 'abc' }), { maxFileBytes: MiB, maxOpenFileBytes: 2 * MiB });
    const { fd } = h.open('f', { rights: RIGHT_FD_READ | RIGHT_FD_WRITE });
    h.view.setUint32(0, 1024, true);
    h.view.setUint32(4, 3, true);
    expect(h.call('fd_pwrite', fd, 0, 1, -5n, 8)).toBe(wasi.ERRNO_INVAL);
    expect(h.call('fd_allocate', fd, -10n, 5n)).toBe(wasi.ERRNO_INVAL);
    expect(h.call('fd_filestat_set_size', fd, -1n)).toBe(wasi.ERRNO_INVAL);
  });
});
