/**
 * An open file in a granted directory: a WASI descriptor over an adapter file handle.
 * Reads and writes go to the file in pieces at this descriptor's position, so every
 * descriptor of a file sees the others' writes at once, nothing waits for a close to be
 * written, and the host holds no file content beyond the piece in flight (a read's buffer
 * is as large as the guest's own, which its memory cap bounds).
 */
import { Fd, wasi } from '@bjorn3/browser_wasi_shim';
import type { DirectoryAdapter, DirectoryFileHandle, GuestPath } from './directory-adapter.js';
import { errnoFromError } from './directory-errno.js';
import { WasiFilestat, guestFileTime, inodeOf, requestedTimes } from './wasi-filestat.js';

/**
 * What all open files of one run share. Each guest open holds a host descriptor, so
 * without a count a guest opening files in a loop could exhaust the host's descriptors.
 */
export interface OpenFiles {
  limit: number;
  held: number;
  /**
   * One read buffer for every descriptor of the run: the shim copies a read's bytes into
   * guest memory before the next call, so reusing it saves an allocation per read. It
   * grows to the largest read asked for, which the guest's own buffer (so its memory cap)
   * bounds, and goes with the run.
   */
  readBuffer?: Uint8Array;
}

export interface GrantedRoot {
  adapter: DirectoryAdapter;
  writable: boolean;
  /** Largest size a guest may grow a file to, in bytes (FBIG past it); reading is unbounded. */
  maxFileBytes: number;
  /** Shared by every grant of the run. */
  openFiles: OpenFiles;
  /** Report real modification times; off unless the clock is granted (an mtime is a clock). */
  clock: boolean;
}

const NO_DATA = new Uint8Array(0);

export class GrantedFileFd extends Fd {
  private position = 0n;
  /** FDFLAGS_APPEND, from the open or `fd_fdstat_set_flags`: every write goes to the end. */
  private append: boolean;
  private handle: DirectoryFileHandle | undefined;

  constructor(
    private readonly root: GrantedRoot,
    private readonly path: GuestPath,
    handle: DirectoryFileHandle,
    /** Opened with FD_READ / for writing: toolchains derive O_RDONLY/O_WRONLY/O_RDWR from the rights reported. */
    private readonly access: { readable: boolean; writable: boolean; append: boolean },
  ) {
    super();
    this.handle = handle;
    this.append = access.append;
    root.openFiles.held++;
  }

  /** Runs `call` on the open handle; adapter failures become errnos. */
  private attempt<T>(call: (handle: DirectoryFileHandle) => T): { ret: number; value?: T } {
    if (this.handle === undefined) return { ret: wasi.ERRNO_BADF };
    try {
      return { ret: wasi.ERRNO_SUCCESS, value: call(this.handle) };
    } catch (error) {
      return { ret: errnoFromError(error) };
    }
  }

  /** The errno for a file growing to `end` bytes: WASI offsets are unsigned, the shim hands them over signed. */
  private checkEnd(end: bigint): number {
    if (end < 0n) return wasi.ERRNO_INVAL;
    if (end > BigInt(this.root.maxFileBytes)) return wasi.ERRNO_FBIG;
    return wasi.ERRNO_SUCCESS;
  }

  private readAt(size: number, offset: bigint): { ret: number; data: Uint8Array } {
    if (!this.access.readable) return { ret: wasi.ERRNO_BADF, data: NO_DATA };
    if (offset < 0n) return { ret: wasi.ERRNO_INVAL, data: NO_DATA };
    if (offset >= BigInt(Number.MAX_SAFE_INTEGER)) return { ret: wasi.ERRNO_SUCCESS, data: NO_DATA };
    let shared = this.root.openFiles.readBuffer;
    if (shared === undefined || shared.byteLength < size) {
      shared = new Uint8Array(Math.max(size, 64 * 1024));
      this.root.openFiles.readBuffer = shared;
    }
    const buffer = shared.subarray(0, size);
    const { ret, value } = this.attempt((h) => h.readAt(buffer, Number(offset)));
    return { ret, data: value === undefined ? NO_DATA : buffer.subarray(0, value) };
  }

  private writeAt(data: Uint8Array, offset: bigint): { ret: number; nwritten: number } {
    if (!this.access.writable) return { ret: wasi.ERRNO_BADF, nwritten: 0 };
    const check = this.checkEnd(offset < 0n ? offset : offset + BigInt(data.byteLength));
    if (check !== wasi.ERRNO_SUCCESS) return { ret: check, nwritten: 0 };
    const { ret } = this.attempt((h) => h.writeAt(data, Number(offset)));
    return { ret, nwritten: ret === wasi.ERRNO_SUCCESS ? data.byteLength : 0 };
  }

  /**
   * Reads into `into` — a view of guest memory — at this descriptor's position (moving it)
   * or at `offset`: the host's `fd_read`/`fd_pread` call this so a read lands in the guest
   * with no copy through a host buffer (the 200 MiB benchmark read: 1.4–1.8× node:wasi with
   * the copy; see README).
   */
  readInto(into: Uint8Array, offset?: bigint): { ret: number; nread: number } {
    if (!this.access.readable) return { ret: wasi.ERRNO_BADF, nread: 0 };
    const at = offset ?? this.position;
    if (at < 0n) return { ret: wasi.ERRNO_INVAL, nread: 0 };
    if (at >= BigInt(Number.MAX_SAFE_INTEGER)) return { ret: wasi.ERRNO_SUCCESS, nread: 0 };
    const { ret, value } = this.attempt((h) => h.readAt(into, Number(at)));
    const nread = value ?? 0;
    if (offset === undefined) this.position += BigInt(nread);
    return { ret, nread };
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    const result = this.readAt(size, this.position);
    this.position += BigInt(result.data.byteLength);
    return result;
  }

  override fd_pread(size: number, offset: bigint): { ret: number; data: Uint8Array } {
    return this.readAt(size, offset);
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (this.append && this.access.writable) {
      const end = this.attempt((h) => h.size());
      if (end.value === undefined) return { ret: end.ret, nwritten: 0 };
      this.position = BigInt(end.value);
    }
    const result = this.writeAt(data, this.position);
    this.position += BigInt(result.nwritten);
    return result;
  }

  override fd_pwrite(data: Uint8Array, offset: bigint): { ret: number; nwritten: number } {
    return this.writeAt(data, offset);
  }

  override fd_seek(offset: bigint, whence: number): { ret: number; offset: bigint } {
    let base: bigint;
    if (whence === wasi.WHENCE_SET) base = 0n;
    else if (whence === wasi.WHENCE_CUR) base = this.position;
    else if (whence === wasi.WHENCE_END) {
      const size = this.attempt((h) => h.size());
      if (size.value === undefined) return { ret: size.ret, offset: 0n };
      base = BigInt(size.value);
    } else return { ret: wasi.ERRNO_INVAL, offset: 0n };
    const next = base + offset;
    if (next < 0n) return { ret: wasi.ERRNO_INVAL, offset: 0n };
    this.position = next;
    return { ret: wasi.ERRNO_SUCCESS, offset: next };
  }

  override fd_tell(): { ret: number; offset: bigint } {
    return { ret: this.handle === undefined ? wasi.ERRNO_BADF : wasi.ERRNO_SUCCESS, offset: this.position };
  }

  override fd_filestat_set_size(size: bigint): number {
    if (!this.access.writable) return wasi.ERRNO_BADF;
    const check = this.checkEnd(size);
    if (check !== wasi.ERRNO_SUCCESS) return check;
    return this.attempt((h) => h.setSize(Number(size))).ret;
  }

  /** Grows the file to cover `offset + len`; never shrinks it (posix_fallocate). */
  override fd_allocate(offset: bigint, len: bigint): number {
    if (!this.access.writable) return wasi.ERRNO_BADF;
    if (offset < 0n || len < 0n) return wasi.ERRNO_INVAL;
    const end = offset + len;
    const check = this.checkEnd(end);
    if (check !== wasi.ERRNO_SUCCESS) return check;
    return this.attempt((h) => {
      if (h.size() < Number(end)) h.setSize(Number(end));
    }).ret;
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, this.append ? wasi.FDFLAGS_APPEND : 0);
    const read = this.access.readable ? wasi.RIGHTS_FD_READ : 0;
    const write = this.access.writable ? wasi.RIGHTS_FD_WRITE | wasi.RIGHTS_FD_ALLOCATE | wasi.RIGHTS_FD_FILESTAT_SET_SIZE : 0;
    fdstat.fs_rights_base = BigInt(read | write | wasi.RIGHTS_FD_SEEK | wasi.RIGHTS_FD_TELL | wasi.RIGHTS_FD_FILESTAT_GET | wasi.RIGHTS_FD_ADVISE);
    return { ret: wasi.ERRNO_SUCCESS, fdstat };
  }

  /**
   * The shim's own filestat has nlink 0, its own inode numbering and a misplaced time
   * layout (see `wasi-filestat.ts`): report what `path_filestat_get` reports for the path,
   * times included (real ones only with the clock grant), from one look at the open file.
   */
  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat | null } {
    const stat = this.attempt((h) => h.stat());
    if (stat.value === undefined) return { ret: stat.ret, filestat: null };
    const filestat = new WasiFilestat(stat.value.inode ?? inodeOf(this.path), wasi.FILETYPE_REGULAR_FILE, BigInt(stat.value.size));
    filestat.nlink = BigInt(stat.value.links);
    filestat.mtim = guestFileTime(stat.value.modifiedMs, this.root.clock);
    filestat.atim = guestFileTime(stat.value.accessedMs, this.root.clock);
    filestat.ctim = filestat.mtim;
    return { ret: wasi.ERRNO_SUCCESS, filestat };
  }

  /** A read-only grant refuses it, as every change (times are the file's, not the descriptor's). */
  override fd_filestat_set_times(atim: bigint, mtim: bigint, fstFlags: number): number {
    if (!this.root.writable) return wasi.ERRNO_ROFS;
    const times = requestedTimes(atim, mtim, fstFlags);
    if (times === null) return wasi.ERRNO_INVAL;
    return this.attempt((h) => h.setTimes(times)).ret;
  }

  /** APPEND is kept; NONBLOCK and the sync flags mean nothing for a regular file. */
  override fd_fdstat_set_flags(flags: number): number {
    this.append = (flags & wasi.FDFLAGS_APPEND) !== 0;
    return wasi.ERRNO_SUCCESS;
  }

  override fd_sync(): number {
    return this.attempt((h) => h.sync()).ret;
  }

  /** Releases the host descriptor; run again at the end of a run for whatever the guest left open. */
  release(): void {
    // Nothing is buffered here, so a failed close loses no data the guest wrote.
    if (this.handle !== undefined) this.fd_close();
  }

  override fd_close(): number {
    if (this.handle === undefined) return wasi.ERRNO_BADF;
    const handle = this.handle;
    this.handle = undefined;
    this.root.openFiles.held--;
    try {
      handle.close();
      return wasi.ERRNO_SUCCESS;
    } catch (error) {
      return errnoFromError(error);
    }
  }
}
