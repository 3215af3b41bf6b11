/**
 * An open file in a granted directory. The file is read into memory when opened and
 * written back through the adapter on sync, close, or the end of the run — the adapter
 * stays a handful of whole-file calls and the shim's tested `OpenFile` does the seeking.
 */
import { File, OpenFile, wasi } from '@bjorn3/browser_wasi_shim';
import { type DirectoryAdapter, type GuestPath, DirectoryAccessError } from './directory-adapter.js';
import { errnoFromError } from './directory-errno.js';
import { WasiFilestat, inodeOf } from './wasi-filestat.js';

/**
 * Bytes of file content held in host memory by all open files of one run. Each open file
 * is a whole copy, so without a shared budget a guest opening one large file again and
 * again (or growing many) could exhaust the host's memory, which no WASM memory cap sees.
 */
export interface OpenFileBudget {
  limitBytes: number;
  heldBytes: number;
}

export interface GrantedRoot {
  adapter: DirectoryAdapter;
  writable: boolean;
  /** Largest file a guest may open or grow, in bytes (files are held in host memory). */
  maxFileBytes: number;
  /** Shared by every grant of the run. */
  budget: OpenFileBudget;
  /** Report real modification times; off unless the clock is granted (an mtime is a clock). */
  clock: boolean;
}

export class GrantedFileFd extends OpenFile {
  private dirty = false;
  /** Opened with FD_READ: toolchains derive O_RDONLY/O_WRONLY/O_RDWR from the rights reported. */
  private readonly readable: boolean;
  /** FDFLAGS_APPEND, from the open or `fd_fdstat_set_flags`: every write goes to the end. */
  private append: boolean;
  /** What this descriptor holds against the run's budget. */
  private held = 0;

  constructor(
    private readonly root: GrantedRoot,
    private readonly path: GuestPath,
    data: Uint8Array,
    options: { readonly: boolean; readable: boolean; append: boolean; truncated: boolean },
  ) {
    super(new File(data, { readonly: options.readonly }));
    this.readable = options.readable;
    this.append = options.append;
    this.reserve(data.byteLength);
    this.dirty = options.truncated;
    if (options.append) this.fd_seek(0n, wasi.WHENCE_END);
  }

  private tooBig(size: bigint): boolean {
    return size > BigInt(this.root.maxFileBytes);
  }

  /**
   * Accounts for the file growing to `size` bytes; false when the run's budget cannot
   * cover it. Shrinking keeps the reservation until close (the old buffer may live on).
   */
  private reserve(size: number): boolean {
    const more = size - this.held;
    if (more <= 0) return true;
    const { budget } = this.root;
    if (budget.heldBytes + more > budget.limitBytes) return false;
    budget.heldBytes += more;
    this.held = size;
    return true;
  }

  /** The errno for growing to `end`, or SUCCESS once reserved. */
  private grow(end: bigint): number {
    if (end < 0n) return wasi.ERRNO_INVAL;
    if (this.tooBig(end)) return wasi.ERRNO_FBIG;
    if (!this.reserve(Math.max(Number(end), this.file.data.byteLength))) return wasi.ERRNO_NOMEM;
    return wasi.ERRNO_SUCCESS;
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    if (!this.readable) return { ret: wasi.ERRNO_BADF, data: new Uint8Array(0) };
    return super.fd_read(size);
  }

  override fd_pread(size: number, offset: bigint): { ret: number; data: Uint8Array } {
    if (!this.readable) return { ret: wasi.ERRNO_BADF, data: new Uint8Array(0) };
    return super.fd_pread(size, offset);
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (this.file.readonly) return { ret: wasi.ERRNO_BADF, nwritten: 0 };
    if (this.append) this.fd_seek(0n, wasi.WHENCE_END);
    const ret = this.grow(this.file_pos + BigInt(data.byteLength));
    if (ret !== wasi.ERRNO_SUCCESS) return { ret, nwritten: 0 };
    const result = super.fd_write(data);
    if (result.ret === wasi.ERRNO_SUCCESS) this.dirty = true;
    return result;
  }

  override fd_pwrite(data: Uint8Array, offset: bigint): { ret: number; nwritten: number } {
    if (this.file.readonly) return { ret: wasi.ERRNO_BADF, nwritten: 0 };
    // WASI offsets are unsigned; the shim receives them as signed i64.
    if (offset < 0n) return { ret: wasi.ERRNO_INVAL, nwritten: 0 };
    const ret = this.grow(offset + BigInt(data.byteLength));
    if (ret !== wasi.ERRNO_SUCCESS) return { ret, nwritten: 0 };
    const result = super.fd_pwrite(data, offset);
    if (result.ret === wasi.ERRNO_SUCCESS) this.dirty = true;
    return result;
  }

  override fd_filestat_set_size(size: bigint): number {
    if (this.file.readonly) return wasi.ERRNO_BADF;
    const ret = this.grow(size);
    if (ret !== wasi.ERRNO_SUCCESS) return ret;
    this.dirty = true;
    return super.fd_filestat_set_size(size);
  }

  override fd_allocate(offset: bigint, len: bigint): number {
    if (this.file.readonly) return wasi.ERRNO_BADF;
    if (offset < 0n || len < 0n) return wasi.ERRNO_INVAL;
    const ret = this.grow(offset + len);
    if (ret !== wasi.ERRNO_SUCCESS) return ret;
    this.dirty = true;
    return super.fd_allocate(offset, len);
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, this.append ? wasi.FDFLAGS_APPEND : 0);
    const read = this.readable ? wasi.RIGHTS_FD_READ : 0;
    const write = this.file.readonly ? 0 : wasi.RIGHTS_FD_WRITE | wasi.RIGHTS_FD_ALLOCATE | wasi.RIGHTS_FD_FILESTAT_SET_SIZE;
    fdstat.fs_rights_base = BigInt(read | write | wasi.RIGHTS_FD_SEEK | wasi.RIGHTS_FD_TELL | wasi.RIGHTS_FD_FILESTAT_GET | wasi.RIGHTS_FD_ADVISE);
    return { ret: wasi.ERRNO_SUCCESS, fdstat };
  }

  /**
   * The shim's own filestat has nlink 0, its own inode numbering and a misplaced time
   * layout (see `wasi-filestat.ts`): report what `path_filestat_get` reports for the path.
   */
  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat } {
    const filestat = new WasiFilestat(inodeOf(this.path), wasi.FILETYPE_REGULAR_FILE, BigInt(this.file.data.byteLength));
    filestat.nlink = 1n;
    return { ret: wasi.ERRNO_SUCCESS, filestat };
  }

  /** APPEND is kept; NONBLOCK and the sync flags mean nothing for a file read in place. */
  override fd_fdstat_set_flags(flags: number): number {
    this.append = (flags & wasi.FDFLAGS_APPEND) !== 0;
    return wasi.ERRNO_SUCCESS;
  }

  /** Writes the content back if the guest changed it; returns a WASI errno. */
  flush(): number {
    if (!this.dirty) return wasi.ERRNO_SUCCESS;
    try {
      if (!this.root.writable) throw new DirectoryAccessError('ROFS', 'read-only grant');
      this.root.adapter.writeFile(this.path, this.file.data);
      this.dirty = false;
      return wasi.ERRNO_SUCCESS;
    } catch (error) {
      return errnoFromError(error);
    }
  }

  override fd_sync(): number {
    return this.flush();
  }

  override fd_close(): number {
    const ret = this.flush();
    this.root.budget.heldBytes -= this.held;
    this.held = 0;
    return ret;
  }
}
