/**
 * Maps a granted host directory for the WASI layer. The portable layer has already
 * refused absolute paths and `..` above the root; here every path is found by walking from
 * the root's descriptor (`grant-walker.ts`): no symlink is ever followed by the kernel, one
 * leading out of the grant is NOTCAPABLE, and a directory swapped for a symlink mid-walk
 * fails the call instead of leading out. Where /proc is absent each open is verified after
 * the fact instead, which narrows the race but cannot close it.
 *
 * Hard links: a file with other names is refused like a symlink out (NOTCAPABLE), since a
 * name inside the grant may share its data with one outside it and no path can tell —
 * unless the guest made the link itself, inside this grant; those are recorded in a
 * `HardLinkRegistry` (device, inode, birth time) and accepted in this run and later ones.
 * Without a registry `link` is EPERM.
 *
 * Only regular files are read or written: a FIFO (or device) planted in the grant would
 * block `read`/`open` inside the worker, and a thread stuck in a system call cannot be
 * terminated at the deadline, so the pool would lose that worker for good. Opening with
 * O_NONBLOCK and checking the descriptor (not the path) closes that, swaps included.
 *
 * `open` returns a handle over that real descriptor (`node-file-handle.ts`): reads and
 * writes go to the file in pieces, so descriptors share it and nothing is held in memory.
 *
 * Cost (`bench/wasi-files.bench.js`, 1,000 small files): from 3.4–4× node:wasi to
 * 1.2–1.3×, once resolution stopped calling `realpath` and re-opening the root per path
 * (~14 stats and ~4 opens per guest open, now 1–2 of each) and, above all, stopped cutting
 * new files to 0 (see `open`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DirectoryAccessError,
  type DirectoryAdapter,
  type DirectoryEntry,
  type DirectoryEntryKind,
  type DirectoryEntryStat,
  type DirectoryFileHandle,
  type FileTimes,
  type GuestPath,
  type OpenFileMode,
} from '../../sandbox/wasm/directory-adapter.js';
import { inodeOfFile } from '../../sandbox/wasm/wasi-filestat.js';
import { identityOf } from '../fs/file-identity.js';
import type { OpenDirectory } from '../fs/open-directory.js';
import { FollowLink, GrantWalker, type StepContext } from './grant-walker.js';
import { HardLinkRegistry } from './hard-link-registry.js';
import { NodeFileHandle, utimeSeconds } from './node-file-handle.js';

function hardLinked(): DirectoryAccessError {
  return new DirectoryAccessError('NOTCAPABLE', 'the file has other hard links, which may lie outside the granted directory');
}

function kindOf(stat: { isSymbolicLink(): boolean; isDirectory(): boolean }): DirectoryEntryKind {
  return stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'directory' : 'file';
}

function msOf(ns: bigint): number {
  return Number(ns) / 1e6;
}

export interface NodeDirectoryAdapterOptions {
  /**
   * Where the guest's own hard links are remembered (`defaultLinkRegistryDir()` for the
   * data directory); without it `link` answers EPERM and every multiply linked file is refused.
   */
  linkRegistryDir?: string;
}

export class NodeDirectoryAdapter implements DirectoryAdapter {
  private readonly walker: GrantWalker;
  private readonly links: HardLinkRegistry | undefined;

  /** `hostRoot` must be an existing directory. */
  constructor(hostRoot: string, options: NodeDirectoryAdapterOptions = {}) {
    const root = fs.realpathSync(hostRoot);
    const stat = fs.statSync(root, { bigint: true });
    if (!stat.isDirectory()) throw new Error(`not a directory: ${hostRoot}`);
    this.walker = new GrantWalker({ root, given: path.resolve(hostRoot), identity: identityOf(stat) });
    this.links = options.linkRegistryDir === undefined ? undefined : new HardLinkRegistry(options.linkRegistryDir, root, stat);
  }

  /** Gives back the root descriptor the walks share; the next call opens it again. */
  close(): void {
    this.walker.close();
  }

  /** A file the guest may read or write: regular, and with no names but those it made itself. */
  private assertConfined(stat: fs.BigIntStats): void {
    if (stat.isDirectory()) throw new DirectoryAccessError('ISDIR', 'is a directory');
    if (!stat.isFile()) throw new DirectoryAccessError('ACCES', 'not a regular file');
    this.assertOwnLinks(stat);
  }

  private assertOwnLinks(stat: fs.BigIntStats): void {
    if (stat.isFile() && stat.nlink > 1n && !this.links?.has(stat)) throw hardLinked();
  }

  /** The inode a guest sees for a file with more than one name: the same from each of them. */
  private inodeFields(stat: fs.BigIntStats): { links: number; inode?: bigint } {
    const links = Number(stat.nlink);
    return links > 1 && stat.isFile() ? { links, inode: inodeOfFile(`${stat.dev}:${stat.ino}`) } : { links };
  }

  private lstat(dir: OpenDirectory, name: string | undefined): fs.BigIntStats {
    return name === undefined ? fs.fstatSync(dir.fd, { bigint: true }) : fs.lstatSync(dir.entry(name), { bigint: true });
  }

  stat(parts: GuestPath, options: { follow?: boolean } = {}): DirectoryEntryStat | null {
    const follow = options.follow ?? true;
    try {
      return this.walker.walk(parts, follow, (dir, name) => {
        let stat: fs.BigIntStats;
        try {
          stat = this.lstat(dir, name);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
          throw error;
        }
        if (stat.isSymbolicLink() && follow) throw new FollowLink();
        this.assertOwnLinks(stat);
        const times = { modifiedMs: msOf(stat.mtimeNs), accessedMs: msOf(stat.atimeNs) };
        return { kind: kindOf(stat), size: Number(stat.size), ...times, ...this.inodeFields(stat) };
      });
    } catch (error) {
      // A dangling symlink, or a missing directory on the way: nothing is there.
      if (error instanceof DirectoryAccessError && error.code === 'NOENT') return null;
      throw error;
    }
  }

  /** Opens `name` as a file the guest may use; no O_TRUNC: the content is cut only once it is known to be one. */
  private openConfined(dir: OpenDirectory, name: string | undefined, flags: number, context: StepContext): { fd: number; stat: fs.BigIntStats } {
    if (name === undefined) throw new DirectoryAccessError('ISDIR', 'is a directory');
    // Never created through a symlink (a dangling one inside is NOENT, as in the in-memory adapter).
    const fd = dir.openFile(name, context.throughLink ? flags & ~fs.constants.O_CREAT : flags, 0o644);
    try {
      const stat = fs.fstatSync(fd, { bigint: true });
      this.assertConfined(stat);
      return { fd, stat };
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  open(parts: GuestPath, mode: OpenFileMode): DirectoryFileHandle {
    const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL } = fs.constants;
    let flags = mode.read && mode.write ? O_RDWR : mode.write ? O_WRONLY : O_RDONLY;
    if (mode.create) flags |= O_CREAT | (mode.exclusive ? O_EXCL : 0);
    return this.walker.walk(parts, !mode.exclusive, (dir, name, context) => {
      const { fd, stat } = this.openConfined(dir, name, flags, context);
      try {
        // Only a file with content is cut: ext4 flushes a file truncated to 0 when it is closed
        // (auto_da_alloc), which made each new small file cost a disk write (3× node:wasi).
        if (mode.truncate && stat.size > 0n) fs.ftruncateSync(fd, 0);
      } catch (error) {
        fs.closeSync(fd);
        throw error;
      }
      return new NodeFileHandle(fd);
    });
  }

  readFile(parts: GuestPath): Uint8Array {
    return this.walker.walk(parts, true, (dir, name, context) => {
      const { fd } = this.openConfined(dir, name, fs.constants.O_RDONLY, context);
      try {
        return fs.readFileSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  writeFile(parts: GuestPath, data: Uint8Array): void {
    this.walker.walk(parts, true, (dir, name, context) => {
      const { fd, stat } = this.openConfined(dir, name, fs.constants.O_WRONLY | fs.constants.O_CREAT, context);
      try {
        if (stat.size > 0n) fs.ftruncateSync(fd, 0);
        for (let written = 0; written < data.byteLength; ) written += fs.writeSync(fd, data, written, data.byteLength - written, written);
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  /**
   * A file or directory gets its times through a descriptor from the confined walk (a
   * hard-linked file is refused, as for reads); a symlink itself, by name in its parent.
   */
  setTimes(parts: GuestPath, times: FileTimes, options: { follow?: boolean } = {}): void {
    const follow = options.follow ?? true;
    this.walker.walk(parts, follow, (dir, name) => {
      if (name === undefined) return new NodeFileHandle(dir.fd).setTimes(times);
      const now = fs.lstatSync(dir.entry(name));
      if (now.isSymbolicLink()) {
        if (follow) throw new FollowLink();
        fs.lutimesSync(dir.entry(name), utimeSeconds(times.accessedMs ?? now.atimeMs), utimeSeconds(times.modifiedMs ?? now.mtimeMs));
        return;
      }
      const fd = dir.openFile(name, fs.constants.O_RDONLY);
      try {
        const stat = fs.fstatSync(fd, { bigint: true });
        if (!stat.isDirectory()) this.assertConfined(stat);
        new NodeFileHandle(fd).setTimes(times);
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  symlink(aim: string, parts: GuestPath): void {
    this.walker.walk(parts, false, (dir, name) => {
      if (name === undefined) throw new DirectoryAccessError('EXIST', 'the granted directory exists');
      fs.symlinkSync(aim, dir.entry(name));
    });
  }

  /** An absolute target (the host made it) is not shown: it would name host paths. */
  readlink(parts: GuestPath): string {
    return this.walker.walk(parts, false, (dir, name) => {
      if (name === undefined) throw new DirectoryAccessError('INVAL', 'not a symlink');
      const aim = fs.readlinkSync(dir.entry(name));
      if (path.isAbsolute(aim)) throw new DirectoryAccessError('NOTCAPABLE', 'the symlink points at an absolute host path');
      return aim;
    });
  }

  list(parts: GuestPath): DirectoryEntry[] {
    return this.walker.walk(parts, true, (parent, name) => {
      const dir = name === undefined ? parent : parent.openChild(name);
      try {
        const entries = fs.readdirSync(dir.self(), { withFileTypes: true });
        // Only a grant where the guest made links can hold files it may open under two names:
        // elsewhere no listing needs a stat per file to number them alike.
        const numbered = this.links?.hasAny() === true;
        return entries.map((entry): DirectoryEntry => {
          const kind: DirectoryEntryKind = entry.isSymbolicLink() ? 'symlink' : entry.isDirectory() ? 'directory' : 'file';
          if (!numbered || kind !== 'file') return { name: entry.name, kind };
          try {
            const { inode } = this.inodeFields(fs.lstatSync(dir.entry(entry.name), { bigint: true }));
            return inode === undefined ? { name: entry.name, kind } : { name: entry.name, kind, inode };
          } catch {
            return { name: entry.name, kind };
          }
        });
      } finally {
        if (dir !== parent) dir.close();
      }
    });
  }

  makeDirectory(parts: GuestPath): void {
    this.walker.walk(parts, false, (dir, name) => {
      if (name === undefined) throw new DirectoryAccessError('EXIST', 'the granted directory exists');
      fs.mkdirSync(dir.entry(name));
    });
  }

  removeFile(parts: GuestPath): void {
    this.walker.walk(parts, false, (dir, name) => {
      if (name === undefined) throw new DirectoryAccessError('ISDIR', 'is a directory');
      try {
        fs.unlinkSync(dir.entry(name));
      } catch (error) {
        // Linux answers EISDIR for a directory, macOS EPERM: look only when it failed.
        if (fs.lstatSync(dir.entry(name), { throwIfNoEntry: false })?.isDirectory()) throw new DirectoryAccessError('ISDIR', 'is a directory');
        throw error;
      }
    });
  }

  removeDirectory(parts: GuestPath): void {
    this.walker.walk(parts, false, (dir, name) => {
      if (name === undefined) throw new DirectoryAccessError('ACCES', 'cannot remove the granted root');
      fs.rmdirSync(dir.entry(name));
    });
  }

  rename(from: GuestPath, to: GuestPath): void {
    this.walker.walk(from, false, (fromDir, fromName) =>
      this.walker.walk(to, false, (toDir, toName) => {
        if (fromName === undefined || toName === undefined) throw new DirectoryAccessError('ACCES', 'cannot rename the granted root');
        fs.renameSync(fromDir.entry(fromName), toDir.entry(toName));
      }),
    );
  }

  /**
   * A second name for a file the guest may open, inside this grant. The file is recorded
   * (from the stat of its name, before the link) so that later opens accept it; if the name
   * was swapped for another file in between, the link made is checked, found to be
   * another file, and removed — the swapped-in file is never recorded. A symlink (linked
   * without `follow`) is linked as it is: it is checked whenever it is followed.
   */
  link(from: GuestPath, to: GuestPath, options: { follow?: boolean } = {}): void {
    this.walker.walk(from, options.follow ?? false, (fromDir, fromName) => {
      if (fromName === undefined) throw new DirectoryAccessError('PERM', 'cannot link a directory');
      const source = fs.lstatSync(fromDir.entry(fromName), { bigint: true });
      if (source.isSymbolicLink() && options.follow) throw new FollowLink();
      if (source.isDirectory()) throw new DirectoryAccessError('PERM', 'cannot link a directory');
      if (!source.isSymbolicLink()) {
        this.assertConfined(source);
        if (this.links?.add(source) !== true)
          throw new DirectoryAccessError('PERM', 'hard links cannot be kept confined here (no link registry, or no file birth times)');
      }
      this.walker.walk(to, false, (toDir, toName) => {
        if (toName === undefined) throw new DirectoryAccessError('EXIST', 'the granted directory exists');
        fs.linkSync(fromDir.entry(fromName), toDir.entry(toName));
        const made = fs.lstatSync(toDir.entry(toName), { bigint: true });
        if (made.dev !== source.dev || made.ino !== source.ino) {
          fs.unlinkSync(toDir.entry(toName));
          throw new DirectoryAccessError('NOTCAPABLE', 'the file changed while it was being linked');
        }
      });
    });
  }
}
