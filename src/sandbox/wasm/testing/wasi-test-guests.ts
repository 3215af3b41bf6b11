/**
 * Hand-assembled WASI guests for the sandbox tests: each one does a single (often hostile)
 * thing. Memory layout: iovec at 0, a result word at 8, scratch at 16–63, paths at 512,
 * payload at 1024. Guests that fail a WASI call exit with the errno as their exit code, so
 * a test can assert exactly which error the host returned.
 */
import { I32, I64, WasmModuleBuilder, op } from './wasm-module-builder.js';

const WASI = 'wasi_snapshot_preview1';
const PAYLOAD = 1024;
const PATH = 512;

interface Wasi {
  builder: WasmModuleBuilder;
  fdWrite: number;
  fdRead: number;
  procExit: number;
}

function wasiModule(extra: (b: WasmModuleBuilder) => void = () => {}, memory: [number, number?] = [2]): Wasi {
  const builder = new WasmModuleBuilder();
  const fdWrite = builder.importFunction(WASI, 'fd_write', [I32, I32, I32, I32], [I32]);
  const fdRead = builder.importFunction(WASI, 'fd_read', [I32, I32, I32, I32], [I32]);
  const procExit = builder.importFunction(WASI, 'proc_exit', [I32]);
  extra(builder);
  builder.defineMemory(memory[0], memory[1]);
  return { builder, fdWrite, fdRead, procExit };
}

/** iovec at 0 = { ptr, len }. */
function setIovec(ptr: number[], len: number[]): number[][] {
  return [op.i32(0), ptr, op.i32Store(0), op.i32(0), len, op.i32Store(4)];
}

function writeFd(w: Wasi, fd: number): number[][] {
  return [op.i32(fd), op.i32(0), op.i32(1), op.i32(8), op.call(w.fdWrite), op.drop];
}

/** `local0 = <call>; if (local0) proc_exit(local0)` */
function exitOnErrno(w: Wasi, call: number[][]): number[][] {
  return [...call, op.localTee(0), op.if, op.localGet(0), op.call(w.procExit), op.end];
}

/** Writes `text` to `fd`, then exits with `exitCode` (or returns normally). */
export function writeGuest(options: { text: string; fd?: number; exitCode?: number; memory?: [number, number?] } = { text: 'hello\n' }): Uint8Array {
  const w = wasiModule(undefined, options.memory);
  const bytes = new TextEncoder().encode(options.text);
  w.builder.addData(PAYLOAD, bytes);
  const body = [...setIovec(op.i32(PAYLOAD), op.i32(bytes.length)), ...writeFd(w, options.fd ?? 1)];
  if (options.exitCode !== undefined) body.push(op.i32(options.exitCode), op.call(w.procExit));
  w.builder.addFunction({ exportName: '_start', body });
  return w.builder.build();
}

/** Copies stdin to stdout. */
export function echoGuest(): Uint8Array {
  const w = wasiModule();
  const read = [...setIovec(op.i32(PAYLOAD), op.i32(60000)), op.i32(0), op.i32(0), op.i32(1), op.i32(8), op.call(w.fdRead), op.drop].flat();
  const body = [
    op.loop,
    read,
    op.i32(8),
    op.i32Load(),
    op.i32Eqz,
    op.if,
    [0x0f],
    op.end,
    ...setIovec(op.i32(PAYLOAD), [...op.i32(8), ...op.i32Load()]),
    ...writeFd(w, 1),
    op.br(0),
    op.end,
  ];
  w.builder.addFunction({ exportName: '_start', body });
  return w.builder.build();
}

/** Spins forever. */
export function infiniteLoopGuest(): Uint8Array {
  const w = wasiModule();
  w.builder.addFunction({ exportName: '_start', body: [op.loop, op.br(0), op.end] });
  return w.builder.build();
}

/** Grows memory 16 pages at a time until growth fails, then traps like an allocator would. */
export function memoryBombGuest(options: { importMemory?: boolean } = {}): Uint8Array {
  const builder = new WasmModuleBuilder();
  builder.importFunction(WASI, 'proc_exit', [I32]);
  if (options.importMemory) builder.importMemory('env', 'memory', 1);
  else builder.defineMemory(1);
  const body = [op.loop, op.i32(16), op.memoryGrow, op.i32(-1), op.i32Eq, op.if, op.unreachable, op.end, op.br(0), op.end];
  builder.addFunction({ exportName: '_start', body });
  return builder.build();
}

/** Writes 4 KiB to stdout forever. */
export function outputBombGuest(): Uint8Array {
  const w = wasiModule();
  w.builder.addFunction({ exportName: '_start', body: [...setIovec(op.i32(PAYLOAD), op.i32(4096)), op.loop, ...writeFd(w, 1), op.br(0), op.end] });
  return w.builder.build();
}

/** Exits with the errno of `clock_time_get(REALTIME)` or `random_get`. */
export function capabilityProbeGuest(kind: 'clock' | 'random'): Uint8Array {
  let target = 0;
  const w = wasiModule((b) => {
    target = kind === 'clock' ? b.importFunction(WASI, 'clock_time_get', [I32, I64, I32], [I32]) : b.importFunction(WASI, 'random_get', [I32, I32], [I32]);
  });
  const call = kind === 'clock' ? [op.i32(0), op.i64(1), op.i32(16), op.call(target)] : [op.i32(16), op.i32(8), op.call(target)];
  w.builder.addFunction({ exportName: '_start', locals: [I32], body: [...call, op.call(w.procExit)] });
  return w.builder.build();
}

/** Writes the raw `environ` (or `args`) buffer — NUL-separated strings — to stdout. */
export function dumpStringsGuest(kind: 'environ' | 'args'): Uint8Array {
  let sizes = 0;
  let get = 0;
  const w = wasiModule((b) => {
    sizes = b.importFunction(WASI, `${kind}_sizes_get`, [I32, I32], [I32]);
    get = b.importFunction(WASI, `${kind}_get`, [I32, I32], [I32]);
  });
  const body = [
    ...exitOnErrno(w, [op.i32(16), op.i32(20), op.call(sizes)]),
    ...exitOnErrno(w, [op.i32(2048), op.i32(PAYLOAD), op.call(get)]),
    ...setIovec(op.i32(PAYLOAD), [...op.i32(20), ...op.i32Load()]),
    ...writeFd(w, 1),
  ];
  w.builder.addFunction({ exportName: '_start', locals: [I32], body });
  return w.builder.build();
}

const RIGHT_FD_READ = 1n << 1n;
const RIGHT_FD_WRITE = 1n << 6n;
const OFLAGS_CREAT_TRUNC = 1 | 8;

function pathOpen(_w: Wasi, pathOpenIndex: number, pathLength: number, write: boolean): number[][] {
  return [
    op.i32(3),
    op.i32(1),
    op.i32(PATH),
    op.i32(pathLength),
    op.i32(write ? OFLAGS_CREAT_TRUNC : 0),
    op.i64(write ? RIGHT_FD_WRITE : RIGHT_FD_READ),
    op.i64(0),
    op.i32(0),
    op.i32(24),
    op.call(pathOpenIndex),
  ];
}

/** Opens `path` under the first preopen (fd 3) and copies it to stdout; exits with errno on failure. */
export function readFileGuest(path: string): Uint8Array {
  let open = 0;
  const w = wasiModule((b) => {
    open = b.importFunction(WASI, 'path_open', [I32, I32, I32, I32, I32, I64, I64, I32, I32], [I32]);
  });
  const pathBytes = new TextEncoder().encode(path);
  w.builder.addData(PATH, pathBytes);
  const body = [
    ...exitOnErrno(w, pathOpen(w, open, pathBytes.length, false)),
    ...setIovec(op.i32(PAYLOAD), op.i32(60000)),
    ...exitOnErrno(w, [op.i32(24), op.i32Load(), op.i32(0), op.i32(1), op.i32(8), op.call(w.fdRead)]),
    ...setIovec(op.i32(PAYLOAD), [...op.i32(8), ...op.i32Load()]),
    ...writeFd(w, 1),
  ];
  w.builder.addFunction({ exportName: '_start', locals: [I32], body });
  return w.builder.build();
}

/** Creates/truncates `path` under fd 3 and writes `content`; exits with errno on failure. */
export function writeFileGuest(path: string, content: string): Uint8Array {
  let open = 0;
  const w = wasiModule((b) => {
    open = b.importFunction(WASI, 'path_open', [I32, I32, I32, I32, I32, I64, I64, I32, I32], [I32]);
  });
  const pathBytes = new TextEncoder().encode(path);
  const contentBytes = new TextEncoder().encode(content);
  w.builder.addData(PATH, pathBytes).addData(PAYLOAD, contentBytes);
  const body = [
    ...exitOnErrno(w, pathOpen(w, open, pathBytes.length, true)),
    ...setIovec(op.i32(PAYLOAD), op.i32(contentBytes.length)),
    ...exitOnErrno(w, [op.i32(24), op.i32Load(), op.i32(0), op.i32(1), op.i32(8), op.call(w.fdWrite)]),
  ];
  w.builder.addFunction({ exportName: '_start', locals: [I32], body });
  return w.builder.build();
}

/** `path_link(3, 0, from, 3, to)` under the first preopen (no FOLLOW); exits with the errno on failure. */
export function linkGuest(from: string, to: string): Uint8Array {
  let link = 0;
  const w = wasiModule((b) => {
    link = b.importFunction(WASI, 'path_link', [I32, I32, I32, I32, I32, I32, I32], [I32]);
  });
  const fromBytes = new TextEncoder().encode(from);
  const toBytes = new TextEncoder().encode(to);
  w.builder.addData(PATH, fromBytes).addData(PATH + 256, toBytes);
  const call = [op.i32(3), op.i32(0), op.i32(PATH), op.i32(fromBytes.length), op.i32(3), op.i32(PATH + 256), op.i32(toBytes.length), op.call(link)];
  w.builder.addFunction({ exportName: '_start', locals: [I32], body: exitOnErrno(w, call) });
  return w.builder.build();
}

/** Imports something no WASI host provides. */
export function unknownImportGuest(): Uint8Array {
  const builder = new WasmModuleBuilder();
  builder.importFunction('env', 'launch_missiles', [I32], [I32]);
  builder.defineMemory(1);
  builder.addFunction({ exportName: '_start', body: [] });
  return builder.build();
}

/** A reactor-style module with no `_start`. */
export function noStartGuest(): Uint8Array {
  const builder = new WasmModuleBuilder();
  builder.defineMemory(1);
  builder.addFunction({ exportName: 'run', body: [] });
  return builder.build();
}
