/**
 * A preview1 `filestat` that lands where guests read it. The shim's `Filestat` (0.4.x)
 * writes atim/mtim/ctim at offsets 38/46/52 instead of 40/48/56: the times overlap each
 * other and the top of `size`, so a guest read a scrambled mtime (a fresh file "from
 * 2019" or from centuries ahead, depending on the clock's low bytes) and, with the clock
 * granted, a size with garbage in its top 16 bits.
 */
import { wasi } from '@bjorn3/browser_wasi_shim';
import type { FileTimes, GuestPath } from './directory-adapter.js';

/** The inode a path reports, the same from `fd_readdir`, `path_filestat_get` and `fd_filestat_get`. */
export function inodeOf(path: GuestPath): bigint {
  // Stable per path within a run; FNV-1a keeps it cheap and dependency-free.
  let hash = 0xcbf29ce484222325n;
  for (const char of path.join('/')) hash = ((hash ^ BigInt(char.codePointAt(0) ?? 0)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return hash;
}

/** A file time for the guest, in ns: 0 without the clock grant, since writing a file and reading its mtime is a clock. */
export function guestFileTime(ms: number, clock: boolean): bigint {
  return clock ? BigInt(Math.max(0, Math.round(ms * 1_000_000))) : 0n;
}

/**
 * The times a `fst_flags` set asks for, in ms (now from the host's clock: setting a time is
 * not reading one, and without the clock grant it reads back as 0); null when both a time
 * and NOW are asked for one of them, which preview1 calls EINVAL.
 */
export function requestedTimes(atim: bigint, mtim: bigint, flags: number): FileTimes | null {
  const pick = (time: bigint, set: number, now: number): number | undefined | null => {
    if ((flags & set) !== 0 && (flags & now) !== 0) return null;
    if ((flags & now) !== 0) return Date.now();
    return (flags & set) !== 0 ? Number(time) / 1_000_000 : undefined;
  };
  const accessedMs = pick(atim, wasi.FSTFLAGS_ATIM, wasi.FSTFLAGS_ATIM_NOW);
  const modifiedMs = pick(mtim, wasi.FSTFLAGS_MTIM, wasi.FSTFLAGS_MTIM_NOW);
  if (accessedMs === null || modifiedMs === null) return null;
  return { ...(accessedMs !== undefined ? { accessedMs } : {}), ...(modifiedMs !== undefined ? { modifiedMs } : {}) };
}

export class WasiFilestat extends wasi.Filestat {
  /** Layout of `filestat` in wasi_snapshot_preview1: 64 bytes, 8-aligned. */
  override write_bytes(view: DataView, ptr: number): void {
    view.setBigUint64(ptr, this.dev, true);
    view.setBigUint64(ptr + 8, this.ino, true);
    view.setUint8(ptr + 16, this.filetype);
    view.setBigUint64(ptr + 24, this.nlink, true);
    view.setBigUint64(ptr + 32, this.size, true);
    view.setBigUint64(ptr + 40, this.atim, true);
    view.setBigUint64(ptr + 48, this.mtim, true);
    view.setBigUint64(ptr + 56, this.ctim, true);
  }
}

/**
 * The inode a file with more than one name reports from each of them: `identity` is the
 * adapter's own key for the file (the Node adapter's device and inode, the in-memory
 * node's number), hashed so that host inode numbers are not shown as they are.
 */
export function inodeOfFile(identity: string): bigint {
  return inodeOf(['\0file', identity]);
}
