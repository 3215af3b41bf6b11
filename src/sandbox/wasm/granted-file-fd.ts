/**
 * An open file in a granted directory. The file is read into memory when opened and
 * written back through the adapter on sync, close, or the end of the run — the adapter
 * stays a handful of whole-file calls and the shim's tested `OpenFile` does the seeking.
 */
import { File, OpenFile, wasi } from '@bjorn3/browser_wasi_shim';
import { type DirectoryAdapter, type GuestPath, DirectoryAccessError } from './directory-adapter.js';
import { errnoFromError } from './directory-errno.js';

export interface GrantedRoot {
  adapter: DirectoryAdapter;
  writable: boolean;
  /** Largest file a guest may open or grow, in bytes (files are held in host memory). */
  maxFileBytes: number;
}

export class GrantedFileFd extends OpenFile {
  private dirty = false;

  constructor(
    private readonly root: GrantedRoot,
    private readonly path: GuestPath,
    data: Uint8Array,
    options: { readonly: boolean; append: boolean; truncated: boolean },
  ) {
    super(new File(data, { readonly: options.readonly }));
    this.dirty = options.truncated;
    if (options.append) this.fd_seek(0n, wasi.WHENCE_END);
  }

  private tooBig(size: bigint): boolean {
    return size > BigInt(this.root.maxFileBytes);
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (this.tooBig(this.file_pos + BigInt(data.byteLength))) return { ret: wasi.ERRNO_FBIG, nwritten: 0 };
    const result = super.fd_write(data);
    if (result.ret === wasi.ERRNO_SUCCESS) this.dirty = true;
    return result;
  }

  override fd_pwrite(data: Uint8Array, offset: bigint): { ret: number; nwritten: number } {
    if (this.tooBig(offset + BigInt(data.byteLength))) return { ret: wasi.ERRNO_FBIG, nwritten: 0 };
    const result = super.fd_pwrite(data, offset);
    if (result.ret === wasi.ERRNO_SUCCESS) this.dirty = true;
    return result;
  }

  override fd_filestat_set_size(size: bigint): number {
    if (this.file.readonly) return wasi.ERRNO_BADF;
    if (this.tooBig(size)) return wasi.ERRNO_FBIG;
    this.dirty = true;
    return super.fd_filestat_set_size(size);
  }

  override fd_allocate(offset: bigint, len: bigint): number {
    if (this.file.readonly) return wasi.ERRNO_BADF;
    if (this.tooBig(offset + len)) return wasi.ERRNO_FBIG;
    this.dirty = true;
    return super.fd_allocate(offset, len);
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, 0);
    fdstat.fs_rights_base = BigInt(wasi.RIGHTS_FD_READ | wasi.RIGHTS_FD_SEEK | wasi.RIGHTS_FD_TELL | (this.file.readonly ? 0 : wasi.RIGHTS_FD_WRITE));
    return { ret: wasi.ERRNO_SUCCESS, fdstat };
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
    return this.flush();
  }
}
