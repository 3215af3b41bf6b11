/**
 * Maps a granted host directory for the WASI layer. The portable layer has already
 * refused absolute paths and `..` above the root; here every path is resolved on disk
 * with `realpath` and must stay under the root's own real path, so a symlink inside the
 * grant that points outside (or a dangling one that would create a file outside) is
 * refused with NOTCAPABLE. Reads and writes open with O_NOFOLLOW on the resolved path.
 *
 * Only regular files are read or written: a FIFO (or device) planted in the grant would
 * block `read`/`open` inside the worker, and a thread stuck in a system call cannot be
 * terminated at the deadline, so the pool would lose that worker for good. Opening with
 * O_NONBLOCK and checking the descriptor (not the path) closes that, swaps included.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DirectoryAccessError, type DirectoryAdapter, type DirectoryEntryStat, type DirectoryErrorCode, type GuestPath } from '../../sandbox/wasm/index.js';

const NODE_CODES: Record<string, DirectoryErrorCode> = {
  ENOENT: 'NOENT',
  EEXIST: 'EXIST',
  ENOTDIR: 'NOTDIR',
  EISDIR: 'ISDIR',
  ENOTEMPTY: 'NOTEMPTY',
  EACCES: 'ACCES',
  EPERM: 'ACCES',
  ELOOP: 'NOTCAPABLE',
  EROFS: 'ROFS',
  EFBIG: 'FBIG',
};

function translate(error: unknown): DirectoryAccessError {
  if (error instanceof DirectoryAccessError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new DirectoryAccessError(NODE_CODES[code] ?? 'IO', (error as Error).message);
}

function assertRegularFile(fd: number): void {
  if (!fs.fstatSync(fd).isFile()) throw new DirectoryAccessError('ACCES', 'not a regular file');
}

export class NodeDirectoryAdapter implements DirectoryAdapter {
  private readonly root: string;

  /** `hostRoot` must be an existing directory. */
  constructor(hostRoot: string) {
    this.root = fs.realpathSync(hostRoot);
    if (!fs.statSync(this.root).isDirectory()) throw new Error(`not a directory: ${hostRoot}`);
  }

  private inside(real: string): boolean {
    return real === this.root || real.startsWith(this.root + path.sep);
  }

  /**
   * The real host path for `parts`, refusing anything that resolves outside the root.
   * A missing final component is allowed (to create it) only under a real parent inside
   * the root and only if it is not a dangling symlink.
   */
  private resolve(parts: GuestPath): string {
    for (const part of parts) if (part.includes('/') || part.includes('\\') || part === '..' || part === '.') throw new DirectoryAccessError('NOTCAPABLE', `bad path component ${part}`);
    const lexical = path.join(this.root, ...parts);
    try {
      const real = fs.realpathSync(lexical);
      if (!this.inside(real)) throw new DirectoryAccessError('NOTCAPABLE', 'path resolves outside the granted directory');
      return real;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw translate(error);
    }
    // Missing: a dangling symlink, or a name to create under an existing parent.
    let isLink = false;
    try {
      isLink = fs.lstatSync(lexical).isSymbolicLink();
    } catch {
      // nothing at all there
    }
    if (isLink) throw new DirectoryAccessError('NOTCAPABLE', 'dangling symlink');
    const parent = parts.length > 1 ? this.resolve(parts.slice(0, -1)) : this.root;
    return path.join(parent, parts[parts.length - 1] as string);
  }

  stat(parts: GuestPath): DirectoryEntryStat | null {
    let real: string;
    try {
      real = this.resolve(parts);
    } catch (error) {
      if (error instanceof DirectoryAccessError && error.code === 'NOENT') return null;
      throw error;
    }
    try {
      const stat = fs.statSync(real);
      return { kind: stat.isDirectory() ? 'directory' : 'file', size: stat.size, modifiedMs: stat.mtimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw translate(error);
    }
  }

  readFile(parts: GuestPath): Uint8Array {
    try {
      const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
      const fd = fs.openSync(this.resolve(parts), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
      try {
        assertRegularFile(fd);
        return fs.readFileSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      throw translate(error);
    }
  }

  writeFile(parts: GuestPath, data: Uint8Array): void {
    try {
      const target = this.resolve(parts);
      // No O_TRUNC: the content is cut only once the descriptor is known to be a regular file.
      const { O_WRONLY, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
      const fd = fs.openSync(target, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0o644);
      try {
        assertRegularFile(fd);
        fs.ftruncateSync(fd, 0);
        for (let written = 0; written < data.byteLength; ) written += fs.writeSync(fd, data, written, data.byteLength - written, written);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      throw translate(error);
    }
  }

  list(parts: GuestPath): Array<{ name: string; kind: 'file' | 'directory' }> {
    try {
      const dir = this.resolve(parts);
      return fs.readdirSync(dir, { withFileTypes: true }).map((entry) => {
        let kind: 'file' | 'directory' = entry.isDirectory() ? 'directory' : 'file';
        if (entry.isSymbolicLink()) kind = this.stat([...parts, entry.name])?.kind ?? 'file';
        return { name: entry.name, kind };
      });
    } catch (error) {
      throw translate(error);
    }
  }

  makeDirectory(parts: GuestPath): void {
    try {
      fs.mkdirSync(this.resolve(parts));
    } catch (error) {
      throw translate(error);
    }
  }

  removeFile(parts: GuestPath): void {
    try {
      const target = this.resolve(parts);
      if (fs.statSync(target).isDirectory()) throw new DirectoryAccessError('ISDIR', 'is a directory');
      fs.unlinkSync(target);
    } catch (error) {
      throw translate(error);
    }
  }

  removeDirectory(parts: GuestPath): void {
    try {
      const target = this.resolve(parts);
      if (target === this.root) throw new DirectoryAccessError('ACCES', 'cannot remove the granted root');
      fs.rmdirSync(target);
    } catch (error) {
      throw translate(error);
    }
  }

  rename(from: GuestPath, to: GuestPath): void {
    try {
      fs.renameSync(this.resolve(from), this.resolve(to));
    } catch (error) {
      throw translate(error);
    }
  }
}
