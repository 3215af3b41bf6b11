import * as fs from 'node:fs';
import path from 'node:path';
import { descriptorPathsWork } from './descriptor-paths.js';
import { type FileIdentity, identityOf, sameFile } from './file-identity.js';
import { pathDenied } from './path-denied.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
/** O_NONBLOCK: a FIFO planted where a directory was expected must not block the open. */
const DIRECTORY_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK;

/**
 * A directory open inside a root, and the names in it. Where descriptor paths work
 * (Linux, see `descriptor-paths.ts`) every name is looked up in the open directory itself,
 * so nothing done to the path since it was opened — a parent swapped for a symlink — can
 * redirect the lookup. Elsewhere names are full paths and each open is verified after the
 * fact (`verifyOpenedAt`), which a racer that swaps twice within the window can still beat.
 */
export class OpenDirectory {
  private constructor(
    readonly fd: number,
    /** Where the directory was when it was opened: for messages and the fallback. */
    readonly path: string,
    private readonly relative: boolean,
  ) {}

  /** Opens a root by its real path; `expected` pins which directory it must still be. */
  static openRoot(real: string, expected?: FileIdentity): OpenDirectory {
    const fd = fs.openSync(real, DIRECTORY_FLAGS);
    try {
      if (expected && !sameFile(identityOf(fs.fstatSync(fd, { bigint: true })), expected)) throw pathDenied(`the granted directory ${real} was replaced`);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
    return new OpenDirectory(fd, real, descriptorPathsWork(fd));
  }

  /** A path naming `name` in this directory, for calls that take a path (mkdir, unlink, rename, lstat). */
  entry(name: string): string {
    return this.relative ? `/proc/self/fd/${this.fd}/${name}` : path.join(this.path, name);
  }

  /** A path naming this directory itself, for `readdir`. */
  self(): string {
    return this.relative ? `/proc/self/fd/${this.fd}` : this.path;
  }

  /** Opens the subdirectory `name`, never through a symlink; creates it first if asked and missing. */
  openChild(name: string, options: { create?: boolean } = {}): OpenDirectory {
    const at = this.entry(name);
    let fd: number;
    try {
      fd = fs.openSync(at, DIRECTORY_FLAGS);
    } catch (error) {
      if (!options.create || errorCode(error) !== 'ENOENT') throw this.explain(error, name);
      try {
        fs.mkdirSync(at, 0o755);
      } catch (mkdirError) {
        // Created by someone else meanwhile: fine, as long as it opens as a directory below.
        if (errorCode(mkdirError) !== 'EEXIST') throw this.explain(mkdirError, name);
      }
      try {
        fd = fs.openSync(at, DIRECTORY_FLAGS);
      } catch (reopenError) {
        throw this.explain(reopenError, name);
      }
    }
    return this.adopt(fd, name, (opened) => new OpenDirectory(opened, path.join(this.path, name), this.relative));
  }

  /** Opens the file `name` with `flags` (O_NOFOLLOW and O_NONBLOCK are added); returns the descriptor. */
  openFile(name: string, flags: number, mode = 0o644): number {
    let fd: number;
    try {
      fd = fs.openSync(this.entry(name), flags | O_NOFOLLOW | O_NONBLOCK, mode);
    } catch (error) {
      throw this.explain(error, name);
    }
    return this.adopt(fd, name, (opened) => opened);
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  /** In the fallback, checks what was opened before handing it out; closes it if that fails. */
  private adopt<T>(fd: number, name: string, wrap: (fd: number) => T): T {
    if (!this.relative) {
      try {
        verifyOpenedAt(fd, path.join(this.path, name));
      } catch (error) {
        fs.closeSync(fd);
        throw error;
      }
    }
    return wrap(fd);
  }

  /** A symlink where a real entry was resolved means the path changed under us: a denial, not an I/O error. */
  private explain(error: unknown, name: string): unknown {
    const code = errorCode(error);
    if (code !== 'ELOOP' && code !== 'ENOTDIR' && code !== 'EMLINK') return error;
    let isLink = false;
    try {
      isLink = fs.lstatSync(this.entry(name)).isSymbolicLink();
    } catch {
      // Gone again: report the original error.
    }
    return isLink
      ? pathDenied(`${path.join(this.path, name)} is a symlink (swapped in while it was being opened)`, { path: path.join(this.path, name) })
      : error;
  }
}

/**
 * Open-then-verify, for systems without descriptor paths: the path must still be free of
 * symlinks and still name the very file the descriptor holds.
 */
export function verifyOpenedAt(fd: number, expected: string): void {
  let ok = false;
  try {
    ok =
      fs.realpathSync(expected) === expected && sameFile(identityOf(fs.lstatSync(expected, { bigint: true })), identityOf(fs.fstatSync(fd, { bigint: true })));
  } catch {
    ok = false;
  }
  if (!ok) throw pathDenied(`${expected} changed while it was being opened`, { path: expected });
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
