/** Maps directory adapter failures onto WASI errnos; anything unexpected is EIO. */
import { wasi } from '@bjorn3/browser_wasi_shim';
import { DirectoryAccessError, type DirectoryErrorCode } from './directory-adapter.js';

const ERRNO: Record<DirectoryErrorCode, number> = {
  NOENT: wasi.ERRNO_NOENT,
  EXIST: wasi.ERRNO_EXIST,
  NOTDIR: wasi.ERRNO_NOTDIR,
  ISDIR: wasi.ERRNO_ISDIR,
  NOTEMPTY: wasi.ERRNO_NOTEMPTY,
  ACCES: wasi.ERRNO_ACCES,
  PERM: wasi.ERRNO_PERM,
  NOTCAPABLE: wasi.ERRNO_NOTCAPABLE,
  ROFS: wasi.ERRNO_ROFS,
  FBIG: wasi.ERRNO_FBIG,
  IO: wasi.ERRNO_IO,
  INVAL: wasi.ERRNO_INVAL,
  LOOP: wasi.ERRNO_LOOP,
};

export function errnoFromCode(code: DirectoryErrorCode): number {
  return ERRNO[code];
}

export function errnoFromError(error: unknown): number {
  return error instanceof DirectoryAccessError ? ERRNO[error.code] : wasi.ERRNO_IO;
}
