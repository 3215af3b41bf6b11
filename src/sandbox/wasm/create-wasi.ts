/**
 * Builds the WASI preview1 import object for one run on top of `@bjorn3/browser_wasi_shim`,
 * closing what the shim leaves open: it reads the host clock and `crypto` for every guest,
 * throws strings from socket and signal calls, and renames across any two descriptors. Here
 * the clock and randomness answer EPERM unless granted, socket calls answer ENOTSOCK, and the only
 * descriptors are stdin, stdout, stderr and the granted preopens.
 */
import { OpenFile, File, WASI, WASIProcExit, wasi } from '@bjorn3/browser_wasi_shim';
import { CappedOutputFd } from './capped-output-fd.js';
import type { DirectoryAdapter } from './directory-adapter.js';
import { GrantedDirectoryFd } from './granted-directory-fd.js';
import { GrantedFileFd } from './granted-file-fd.js';
import { createPollOneoff } from './poll-oneoff.js';

export const WASI_MODULE = 'wasi_snapshot_preview1';

export interface GrantedDirectory {
  /** Preopen name the guest sees, e.g. `/data` or `.`. */
  guest: string;
  adapter: DirectoryAdapter;
  write: boolean;
}

export interface CreateWasiOptions {
  argv0: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  stdin: Uint8Array;
  dirs: readonly GrantedDirectory[];
  maxOutputBytes: number;
  /** Largest size a guest may grow a file to; files of any size can be read. */
  maxFileBytes: number;
  /** Files open at once across the run's grants (each holds a host descriptor); see `OpenFiles`. */
  maxOpenFiles: number;
  clock: boolean;
  random: boolean;
  onOutput: ((stream: 'stdout' | 'stderr', chunk: Uint8Array) => void) | undefined;
}

export interface WasiContext {
  wasi: WASI;
  imports: Record<string, (...args: never[]) => unknown>;
  stdout: CappedOutputFd;
  stderr: CappedOutputFd;
}

/** Every preview1 function name the host implements. */
export const WASI_FUNCTIONS: ReadonlySet<string> = new Set(Object.keys(new WASI([], [], [], { debug: false }).wasiImport));

export function createWasi(options: CreateWasiOptions): WasiContext {
  const onOutput = options.onOutput;
  const stdout = new CappedOutputFd('stdout', options.maxOutputBytes, onOutput && ((c) => onOutput('stdout', c)));
  const stderr = new CappedOutputFd('stderr', options.maxOutputBytes, onOutput && ((c) => onOutput('stderr', c)));
  const stdin = new OpenFile(new File(options.stdin, { readonly: true }));
  const openFiles = { limit: options.maxOpenFiles, held: 0 };
  const preopens = options.dirs.map(
    (d) => new GrantedDirectoryFd({ adapter: d.adapter, writable: d.write, maxFileBytes: options.maxFileBytes, openFiles, clock: options.clock }, [], d.guest),
  );
  const env = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
  const host = new WASI([options.argv0, ...options.args], env, [stdin, stdout, stderr, ...preopens], { debug: false });
  const base = host.wasiImport;
  const denied = (): number => wasi.ERRNO_PERM;
  // No descriptor here is a socket: NOTSOCK for an open one, as wasmtime answers; BADF otherwise.
  const notSocket = (fd: number): number => (host.fds[fd] === undefined ? wasi.ERRNO_BADF : wasi.ERRNO_NOTSOCK);
  const decode = (ptr: number, len: number): string => new TextDecoder().decode(new Uint8Array(host.inst.exports.memory.buffer).slice(ptr, ptr + len));

  /** Reads a granted file straight into the guest's iovecs (the shim reads into a buffer, then copies). */
  const scatterRead = (file: GrantedFileFd, iovsPtr: number, iovsLen: number, offset: bigint | undefined, nreadPtr: number): number => {
    const memory = host.inst.exports.memory.buffer;
    const view = new DataView(memory);
    let nread = 0;
    let ret: number = wasi.ERRNO_SUCCESS;
    for (let i = 0; i < iovsLen; i++) {
      const ptr = view.getUint32(iovsPtr + i * 8, true);
      const len = view.getUint32(iovsPtr + i * 8 + 4, true);
      if (ptr + len > memory.byteLength) {
        ret = wasi.ERRNO_FAULT;
        break;
      }
      const piece = file.readInto(new Uint8Array(memory, ptr, len), offset === undefined ? undefined : offset + BigInt(nread));
      ret = piece.ret;
      nread += piece.nread;
      if (ret !== wasi.ERRNO_SUCCESS || piece.nread < len) break;
    }
    view.setUint32(nreadPtr, nread, true);
    return ret;
  };

  const overrides: Record<string, (...args: never[]) => unknown> = {
    fd_read: (fd: number, iovsPtr: number, iovsLen: number, nreadPtr: number) => {
      const file = host.fds[fd];
      if (!(file instanceof GrantedFileFd)) return (base.fd_read as (...args: number[]) => number)(fd, iovsPtr, iovsLen, nreadPtr);
      return scatterRead(file, iovsPtr, iovsLen, undefined, nreadPtr);
    },
    fd_pread: (fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nreadPtr: number) => {
      const file = host.fds[fd];
      if (!(file instanceof GrantedFileFd)) return (base.fd_pread as (...args: unknown[]) => number)(fd, iovsPtr, iovsLen, offset, nreadPtr);
      return scatterRead(file, iovsPtr, iovsLen, offset, nreadPtr);
    },
    // The shim sizes the argv buffer in UTF-16 units but writes UTF-8 bytes: a non-ASCII
    // argument would overrun the guest's buffer. Report the encoded size instead.
    args_sizes_get: (argcPtr: number, bufSizePtr: number) => {
      const view = new DataView(host.inst.exports.memory.buffer);
      view.setUint32(argcPtr, host.args.length, true);
      view.setUint32(
        bufSizePtr,
        host.args.reduce((n, arg) => n + new TextEncoder().encode(arg).byteLength + 1, 0),
        true,
      );
      return wasi.ERRNO_SUCCESS;
    },
    sched_yield: () => wasi.ERRNO_SUCCESS,
    proc_raise: (signal: number) => {
      throw new WASIProcExit(128 + signal);
    },
    sock_accept: notSocket,
    sock_recv: notSocket,
    sock_send: notSocket,
    sock_shutdown: notSocket,
    // The shim links its own in-memory inodes; granted directories answer for themselves.
    path_link: (oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) => {
      const from = host.fds[oldFd];
      const to = host.fds[newFd];
      if (from === undefined || to === undefined) return wasi.ERRNO_BADF;
      if (!(from instanceof GrantedDirectoryFd) || !(to instanceof GrantedDirectoryFd)) return wasi.ERRNO_NOTDIR;
      return from.link(decode(oldPtr, oldLen), oldFlags, to, decode(newPtr, newLen));
    },
    // The shim answers NOTSUP without asking the descriptor.
    path_symlink: (targetPtr: number, targetLen: number, fd: number, linkPtr: number, linkLen: number) => {
      const dir = host.fds[fd];
      if (dir === undefined) return wasi.ERRNO_BADF;
      if (!(dir instanceof GrantedDirectoryFd)) return wasi.ERRNO_NOTDIR;
      return dir.symlink(decode(targetPtr, targetLen), decode(linkPtr, linkLen));
    },
    // The shim answers BADF for a buffer shorter than the target; readlink(2) truncates.
    path_readlink: (fd: number, pathPtr: number, pathLen: number, bufPtr: number, bufLen: number, nreadPtr: number) => {
      const dir = host.fds[fd];
      if (dir === undefined) return wasi.ERRNO_BADF;
      if (!(dir instanceof GrantedDirectoryFd)) return wasi.ERRNO_NOTDIR;
      const { ret, data } = dir.path_readlink(decode(pathPtr, pathLen));
      if (data === null) return ret;
      const bytes = new TextEncoder().encode(data).subarray(0, bufLen);
      new Uint8Array(host.inst.exports.memory.buffer).set(bytes, bufPtr);
      new DataView(host.inst.exports.memory.buffer).setUint32(nreadPtr, bytes.byteLength, true);
      return wasi.ERRNO_SUCCESS;
    },
    path_rename: (fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) => {
      const from = host.fds[fd];
      const to = host.fds[newFd];
      if (!(from instanceof GrantedDirectoryFd) || !(to instanceof GrantedDirectoryFd)) return wasi.ERRNO_BADF;
      return from.rename(decode(oldPtr, oldLen), to, decode(newPtr, newLen));
    },
  };
  if (!options.clock) {
    overrides.clock_time_get = denied;
    overrides.clock_res_get = denied;
  }
  overrides.poll_oneoff = createPollOneoff({
    memory: () => host.inst.exports.memory.buffer,
    isOpen: (fd) => host.fds[fd] !== undefined,
    sleep: options.clock ? (base.poll_oneoff as (...args: number[]) => number) : undefined,
  });
  if (!options.random) overrides.random_get = denied;
  else
    overrides.random_get = (ptr: number, len: number) => {
      base.random_get?.(ptr, len);
      return wasi.ERRNO_SUCCESS;
    };

  return { wasi: host, imports: { ...base, ...overrides }, stdout, stderr };
}
