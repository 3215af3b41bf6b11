/**
 * Maps a granted host directory for the WASI layer. The portable layer has already
 * refused absolute paths and `..` above the root; here every path is resolved on disk
 * with `realpath` and must stay under the root's own real path, so a symlink inside the
 * grant that points outside (or a dangling one that would create a file outside) is
 * refused with NOTCAPABLE.
 *
 * The resolved path is then opened by walking from the root's descriptor one component
 * at a time without following symlinks (`src/node/fs/open-beneath.ts`), and the root
 * must still be the directory granted (device and inode pinned at construction). So a
 * directory swapped for a symlink between the check and the open fails the call instead
 * of leading out — for reads, writes, listings and every change alike. Where /proc is
 * absent each open is verified after the fact instead, which narrows the race but cannot
 * close it. A file with other hard links is refused like a symlink out: a link inside
 * the grant may share its data with a file outside it, and no path can tell.
 *
 * Only regular files are read or written: a FIFO (or device) planted in the grant would
 * block `read`/`open` inside the worker, and a thread stuck in a system call cannot be
 * terminated at the deadline, so the pool would lose that worker for good. Opening with
 * O_NONBLOCK and checking the descriptor (not the path) closes that, swaps included.
 *
 * `open` returns a handle over that real descriptor (`node-file-handle.ts`): reads and
 * writes go to the file in pieces, so descriptors share it and nothing is held in memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DirectoryAccessError,
  type DirectoryAdapter,
  type DirectoryEntryKind,
  type DirectoryEntryStat,
  type DirectoryFileHandle,
  type FileTimes,
  type GuestPath,
  type OpenFileMode,
} from '../../sandbox/wasm/directory-adapter.js';
import { type FileIdentity, identityOf } from '../fs/file-identity.js';
import { type BeneathTarget, openDirectoryBeneath, openFileBeneath, withParentBeneath } from '../fs/open-beneath.js';
import { NodeFileHandle, utimeSeconds } from './node-file-handle.js';
import { translateFsError } from './translate-fs-error.js';

/** A regular file with no other name: what a guest may read or write through `fd`. */
function assertConfinedFile(fd: number): void {
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) throw new DirectoryAccessError('ACCES', 'not a regular file');
  if (stat.nlink > 1) throw hardLinked();
}

function hardLinked(): DirectoryAccessError {
  return new DirectoryAccessError('NOTCAPABLE', 'the file has other hard links, which may lie outside the granted directory');
}

export class NodeDirectoryAdapter implements DirectoryAdapter {
  private readonly root: string;
  /** The directory granted: a root path later swapped for another directory is refused. */
  private readonly identity: FileIdentity;

  /** `hostRoot` must be an existing directory. */
  constructor(hostRoot: string) {
    this.root = fs.realpathSync(hostRoot);
    const stat = fs.statSync(this.root, { bigint: true });
    if (!stat.isDirectory()) throw new Error(`not a directory: ${hostRoot}`);
    this.identity = identityOf(stat);
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
    for (const part of parts)
      if (part.includes('/') || part.includes('\\') || part === '..' || part === '.')
        throw new DirectoryAccessError('NOTCAPABLE', `bad path component ${part}`);
    const lexical = path.join(this.root, ...parts);
    try {
      const real = fs.realpathSync(lexical);
      if (!this.inside(real)) throw new DirectoryAccessError('NOTCAPABLE', 'path resolves outside the granted directory');
      return real;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw translateFsError(error);
    }
    // Missing: a dangling symlink, or a name to create under an existing parent.
    let isLink = false;
    try {
      isLink = fs.lstatSync(lexical).isSymbolicLink();
    } catch {
      // nothing at all there
    }
    const parent = parts.length > 1 ? this.resolve(parts.slice(0, -1)) : this.root;
    // A dangling symlink is never created through: one aiming outside is NOTCAPABLE, one inside NOENT.
    if (isLink) {
      const aim = fs.readlinkSync(lexical);
      if (path.isAbsolute(aim) || !this.inside(path.resolve(parent, aim))) throw new DirectoryAccessError('NOTCAPABLE', 'dangling symlink out of the grant');
      throw new DirectoryAccessError('NOENT', 'dangling symlink');
    }
    return path.join(parent, parts[parts.length - 1] as string);
  }

  /** The host path for `parts` with the parent resolved and the last name itself not followed. */
  private resolveName(parts: GuestPath): string {
    const name = parts[parts.length - 1];
    if (name === undefined) return this.root;
    if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') throw new DirectoryAccessError('NOTCAPABLE', `bad path component ${name}`);
    return path.join(parts.length > 1 ? this.resolve(parts.slice(0, -1)) : this.root, name);
  }

  /** `parts` resolved and checked, as names below the root to walk; without `follow` the last name is not followed. */
  private target(parts: GuestPath, follow = true): BeneathTarget {
    const real = follow ? this.resolve(parts) : this.resolveName(parts);
    return {
      root: this.root,
      rootIdentity: this.identity,
      components: path
        .relative(this.root, real)
        .split(path.sep)
        .filter((c) => c !== ''),
    };
  }

  stat(parts: GuestPath, options: { follow?: boolean } = {}): DirectoryEntryStat | null {
    const follow = options.follow ?? true;
    let target: BeneathTarget;
    try {
      target = this.target(parts, follow);
    } catch (error) {
      if (error instanceof DirectoryAccessError && error.code === 'NOENT') return null;
      throw error;
    }
    try {
      const stat = target.components.length === 0 ? this.statRoot(target) : withParentBeneath(target, (parent, name) => fs.lstatSync(parent.entry(name)));
      if (stat.isSymbolicLink() && !follow) return { kind: 'symlink', size: stat.size, modifiedMs: stat.mtimeMs, accessedMs: stat.atimeMs };
      // The resolved path holds no symlinks; one there now was swapped in since.
      if (stat.isSymbolicLink()) throw new DirectoryAccessError('NOTCAPABLE', 'the path changed into a symlink');
      if (stat.isFile() && stat.nlink > 1) throw hardLinked();
      return { kind: stat.isDirectory() ? 'directory' : 'file', size: stat.size, modifiedMs: stat.mtimeMs, accessedMs: stat.atimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw translateFsError(error);
    }
  }

  private statRoot(target: BeneathTarget): fs.Stats {
    const dir = openDirectoryBeneath(target);
    try {
      return fs.fstatSync(dir.fd);
    } finally {
      dir.close();
    }
  }

  open(parts: GuestPath, mode: OpenFileMode): DirectoryFileHandle {
    const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL } = fs.constants;
    let flags = mode.read && mode.write ? O_RDWR : mode.write ? O_WRONLY : O_RDONLY;
    if (mode.create) flags |= O_CREAT | (mode.exclusive ? O_EXCL : 0);
    try {
      // No O_TRUNC: the content is cut only once the descriptor is known to be a lone regular file.
      const fd = openFileBeneath(this.target(parts), { flags, mode: 0o644 });
      try {
        if (fs.fstatSync(fd).isDirectory()) throw new DirectoryAccessError('ISDIR', 'is a directory');
        assertConfinedFile(fd);
        if (mode.truncate) fs.ftruncateSync(fd, 0);
      } catch (error) {
        fs.closeSync(fd);
        throw error;
      }
      return new NodeFileHandle(fd);
    } catch (error) {
      throw translateFsError(error);
    }
  }

  readFile(parts: GuestPath): Uint8Array {
    try {
      const fd = openFileBeneath(this.target(parts), { flags: fs.constants.O_RDONLY });
      try {
        assertConfinedFile(fd);
        return fs.readFileSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      throw translateFsError(error);
    }
  }

  writeFile(parts: GuestPath, data: Uint8Array): void {
    try {
      // No O_TRUNC: the content is cut only once the descriptor is known to be a lone regular file.
      const fd = openFileBeneath(this.target(parts), { flags: fs.constants.O_WRONLY | fs.constants.O_CREAT, mode: 0o644 });
      try {
        assertConfinedFile(fd);
        fs.ftruncateSync(fd, 0);
        for (let written = 0; written < data.byteLength; ) written += fs.writeSync(fd, data, written, data.byteLength - written, written);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      throw translateFsError(error);
    }
  }

  /**
   * A file or directory gets its times through a descriptor from the confined walk (a
   * hard-linked file is refused, as for reads); a symlink itself, by name in its parent.
   */
  setTimes(parts: GuestPath, times: FileTimes, options: { follow?: boolean } = {}): void {
    try {
      const target = this.target(parts, options.follow ?? true);
      if (target.components.length > 0 && options.follow === false) {
        const isLink = withParentBeneath(target, (parent, name) => {
          const now = fs.lstatSync(parent.entry(name));
          if (!now.isSymbolicLink()) return false;
          fs.lutimesSync(parent.entry(name), utimeSeconds(times.accessedMs ?? now.atimeMs), utimeSeconds(times.modifiedMs ?? now.mtimeMs));
          return true;
        });
        if (isLink) return;
      }
      const fd = openFileBeneath(target, { flags: fs.constants.O_RDONLY });
      try {
        if (!fs.fstatSync(fd).isDirectory()) assertConfinedFile(fd);
        new NodeFileHandle(fd).setTimes(times);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      throw translateFsError(error);
    }
  }

  symlink(aim: string, parts: GuestPath): void {
    try {
      const target = this.target(parts, false);
      if (target.components.length === 0) throw new DirectoryAccessError('EXIST', 'the granted directory exists');
      withParentBeneath(target, (parent, name) => fs.symlinkSync(aim, parent.entry(name)));
    } catch (error) {
      throw translateFsError(error);
    }
  }

  /** An absolute target (the host made it) is not shown: it would name host paths. */
  readlink(parts: GuestPath): string {
    try {
      const target = this.target(parts, false);
      if (target.components.length === 0) throw new DirectoryAccessError('INVAL', 'not a symlink');
      const aim = withParentBeneath(target, (parent, name) => fs.readlinkSync(parent.entry(name)));
      if (path.isAbsolute(aim)) throw new DirectoryAccessError('NOTCAPABLE', 'the symlink points at an absolute host path');
      return aim;
    } catch (error) {
      throw translateFsError(error);
    }
  }

  list(parts: GuestPath): Array<{ name: string; kind: DirectoryEntryKind }> {
    try {
      const dir = openDirectoryBeneath(this.target(parts));
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir.self(), { withFileTypes: true });
      } finally {
        dir.close();
      }
      return entries.map((entry) => ({ name: entry.name, kind: entry.isSymbolicLink() ? 'symlink' : entry.isDirectory() ? 'directory' : 'file' }));
    } catch (error) {
      throw translateFsError(error);
    }
  }

  makeDirectory(parts: GuestPath): void {
    try {
      const target = this.target(parts, false);
      if (target.components.length === 0) throw new DirectoryAccessError('EXIST', 'the granted directory exists');
      withParentBeneath(target, (parent, name) => fs.mkdirSync(parent.entry(name)));
    } catch (error) {
      throw translateFsError(error);
    }
  }

  removeFile(parts: GuestPath): void {
    try {
      const target = this.target(parts, false);
      if (target.components.length === 0) throw new DirectoryAccessError('ISDIR', 'is a directory');
      withParentBeneath(target, (parent, name) => {
        if (fs.lstatSync(parent.entry(name)).isDirectory()) throw new DirectoryAccessError('ISDIR', 'is a directory');
        fs.unlinkSync(parent.entry(name));
      });
    } catch (error) {
      throw translateFsError(error);
    }
  }

  removeDirectory(parts: GuestPath): void {
    try {
      const target = this.target(parts, false);
      if (target.components.length === 0) throw new DirectoryAccessError('ACCES', 'cannot remove the granted root');
      withParentBeneath(target, (parent, name) => fs.rmdirSync(parent.entry(name)));
    } catch (error) {
      throw translateFsError(error);
    }
  }

  rename(from: GuestPath, to: GuestPath): void {
    try {
      const source = this.target(from, false);
      const destination = this.target(to, false);
      if (source.components.length === 0 || destination.components.length === 0) throw new DirectoryAccessError('ACCES', 'cannot rename the granted root');
      withParentBeneath(source, (fromParent, fromName) =>
        withParentBeneath(destination, (toParent, toName) => fs.renameSync(fromParent.entry(fromName), toParent.entry(toName))),
      );
    } catch (error) {
      throw translateFsError(error);
    }
  }
}
