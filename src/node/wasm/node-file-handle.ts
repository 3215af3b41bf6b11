/**
 * A file a WASI guest holds open, over a real descriptor that `NodeDirectoryAdapter.open`
 * obtained by walking beneath the grant's root (so the symlink, swap and hard-link checks
 * were made on this very descriptor). Every call goes straight to the file at an absolute
 * position: descriptors of one file see each other's writes, and only the piece in flight
 * is held in memory.
 */
import * as fs from 'node:fs';
import { DirectoryAccessError, type DirectoryFileHandle, type FileTimes, type OpenFileStat } from '../../sandbox/wasm/directory-adapter.js';
import { inodeOfFile } from '../../sandbox/wasm/wasi-filestat.js';
import { translateFsError } from './translate-fs-error.js';

/**
 * Seconds for `fs.utimes`/`futimes`, which keep microseconds by truncating a double: half a
 * microsecond more lands a time on the microsecond meant instead of the one below it.
 */
export function utimeSeconds(ms: number): number {
  return (Math.round(ms * 1000) + 0.5) / 1_000_000;
}

export class NodeFileHandle implements DirectoryFileHandle {
  private fd: number | undefined;

  constructor(fd: number) {
    this.fd = fd;
  }

  private descriptor(): number {
    if (this.fd === undefined) throw new DirectoryAccessError('IO', 'file handle is closed');
    return this.fd;
  }

  private attempt<T>(call: (fd: number) => T): T {
    const fd = this.descriptor();
    try {
      return call(fd);
    } catch (error) {
      throw translateFsError(error);
    }
  }

  readAt(into: Uint8Array, position: number): number {
    return this.attempt((fd) => fs.readSync(fd, into, 0, into.byteLength, position));
  }

  writeAt(data: Uint8Array, position: number): void {
    this.attempt((fd) => {
      for (let written = 0; written < data.byteLength; ) written += fs.writeSync(fd, data, written, data.byteLength - written, position + written);
    });
  }

  size(): number {
    return this.attempt((fd) => fs.fstatSync(fd).size);
  }

  stat(): OpenFileStat {
    return this.attempt((fd) => {
      const stat = fs.fstatSync(fd, { bigint: true });
      const links = Number(stat.nlink);
      return {
        size: Number(stat.size),
        modifiedMs: Number(stat.mtimeNs) / 1e6,
        accessedMs: Number(stat.atimeNs) / 1e6,
        links,
        ...(links > 1 ? { inode: inodeOfFile(`${stat.dev}:${stat.ino}`) } : {}),
      };
    });
  }

  /** Node sets times to the microsecond; a time left out is read back and kept. */
  setTimes(times: FileTimes): void {
    this.attempt((fd) => {
      const now = fs.fstatSync(fd);
      fs.futimesSync(fd, utimeSeconds(times.accessedMs ?? now.atimeMs), utimeSeconds(times.modifiedMs ?? now.mtimeMs));
    });
  }

  setSize(size: number): void {
    this.attempt((fd) => fs.ftruncateSync(fd, size));
  }

  sync(): void {
    this.attempt((fd) => fs.fsyncSync(fd));
  }

  close(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    try {
      fs.closeSync(fd);
    } catch (error) {
      throw translateFsError(error);
    }
  }
}
