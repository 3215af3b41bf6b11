/**
 * A directory descriptor over a granted root (a WASI preopen, or a subdirectory opened
 * from one). Every path a guest passes is resolved lexically first (`..` cannot climb
 * out, absolute paths are refused) and then handed to the adapter, which refuses
 * symlinks leading out. A read-only grant refuses every change with EROFS.
 */
import { Fd, wasi } from '@bjorn3/browser_wasi_shim';
import { DirectoryAccessError, type DirectoryEntryKind, type DirectoryEntryStat, type GuestPath, resolveGuestPath } from './directory-adapter.js';
import { errnoFromCode, errnoFromError } from './directory-errno.js';
import { type GrantedRoot, GrantedFileFd } from './granted-file-fd.js';
import { WasiFilestat, guestFileTime, inodeOf, requestedTimes } from './wasi-filestat.js';

type Resolved = { ret: number; path: GuestPath | null };

const FILETYPES: Record<DirectoryEntryKind, number> = {
  file: wasi.FILETYPE_REGULAR_FILE,
  directory: wasi.FILETYPE_DIRECTORY,
  symlink: wasi.FILETYPE_SYMBOLIC_LINK,
};

function toFilestat(path: GuestPath, stat: DirectoryEntryStat, clock: boolean): wasi.Filestat {
  const filestat = new WasiFilestat(stat.inode ?? inodeOf(path), FILETYPES[stat.kind], BigInt(stat.size));
  filestat.nlink = BigInt(stat.links ?? 1);
  filestat.mtim = guestFileTime(stat.modifiedMs, clock);
  filestat.atim = guestFileTime(stat.accessedMs ?? stat.modifiedMs, clock);
  filestat.ctim = filestat.mtim;
  return filestat;
}

/** A trailing slash names a directory (POSIX): on a file it is NOTDIR, as wasmtime answers. */
function namesDirectory(pathString: string): boolean {
  return pathString.endsWith('/');
}

/** `lookupflags::symlink_follow`; the shim does not export it. */
const LOOKUPFLAGS_SYMLINK_FOLLOW = 1;

function follows(lookupFlags: number): boolean {
  return (lookupFlags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0;
}

const WRITE_RIGHTS = BigInt(wasi.RIGHTS_FD_WRITE | wasi.RIGHTS_FD_ALLOCATE | wasi.RIGHTS_FD_FILESTAT_SET_SIZE);

export class GrantedDirectoryFd extends Fd {
  private entries: Array<{ name: string; type: number; inode?: bigint }> | undefined;

  constructor(
    readonly root: GrantedRoot,
    readonly path: GuestPath,
    /** Set for a preopen: the name the guest sees, e.g. `/data`. */
    private readonly preopenName?: string,
  ) {
    super();
  }

  private resolve(pathString: string): Resolved {
    const resolved = resolveGuestPath(this.path, pathString);
    return resolved.ok ? { ret: wasi.ERRNO_SUCCESS, path: resolved.path } : { ret: errnoFromCode(resolved.code), path: null };
  }

  /** Runs an adapter call that changes something, or refuses it on a read-only grant. */
  private mutate(pathString: string, change: (path: GuestPath) => void): number {
    const { ret, path } = this.resolve(pathString);
    if (path === null) return ret;
    if (!this.root.writable) return wasi.ERRNO_ROFS;
    try {
      change(path);
      return wasi.ERRNO_SUCCESS;
    } catch (error) {
      return errnoFromError(error);
    }
  }

  override fd_prestat_get(): { ret: number; prestat: wasi.Prestat | null } {
    if (this.preopenName === undefined) return { ret: wasi.ERRNO_BADF, prestat: null };
    return { ret: wasi.ERRNO_SUCCESS, prestat: wasi.Prestat.dir(this.preopenName) };
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_DIRECTORY, 0);
    // Toolchains (wasi-libc, Rust std) read these to decide what to attempt.
    fdstat.fs_rights_base = 0x1fffffffn;
    fdstat.fs_rights_inherited = 0x1fffffffn;
    return { ret: wasi.ERRNO_SUCCESS, fdstat };
  }

  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat | null } {
    return this.path_filestat_get(0, '.');
  }

  override fd_readdir_single(cookie: bigint): { ret: number; dirent: wasi.Dirent | null } {
    if (cookie === 0n || this.entries === undefined) {
      try {
        const listed = this.root.adapter
          .list(this.path)
          .map((e) => ({ name: e.name, type: FILETYPES[e.kind], ...(e.inode !== undefined ? { inode: e.inode } : {}) }));
        this.entries = [{ name: '.', type: wasi.FILETYPE_DIRECTORY }, { name: '..', type: wasi.FILETYPE_DIRECTORY }, ...listed];
      } catch (error) {
        return { ret: errnoFromError(error), dirent: null };
      }
    }
    const entry = this.entries[Number(cookie)];
    if (entry === undefined) return { ret: wasi.ERRNO_SUCCESS, dirent: null };
    return { ret: wasi.ERRNO_SUCCESS, dirent: new wasi.Dirent(cookie + 1n, entry.inode ?? inodeOf([...this.path, entry.name]), entry.name, entry.type) };
  }

  override path_filestat_get(flags: number, pathString: string): { ret: number; filestat: wasi.Filestat | null } {
    const { ret, path } = this.resolve(pathString);
    if (path === null) return { ret, filestat: null };
    try {
      // Without FOLLOW (lstat) a symlink at the end describes itself.
      const stat = this.root.adapter.stat(path, { follow: follows(flags) || namesDirectory(pathString) });
      if (stat === null) return { ret: wasi.ERRNO_NOENT, filestat: null };
      if (stat.kind !== 'directory' && namesDirectory(pathString)) return { ret: wasi.ERRNO_NOTDIR, filestat: null };
      return { ret: wasi.ERRNO_SUCCESS, filestat: toFilestat(path, stat, this.root.clock) };
    } catch (error) {
      return { ret: errnoFromError(error), filestat: null };
    }
  }

  override path_open(
    dirflags: number,
    pathString: string,
    oflags: number,
    rightsBase: bigint,
    _rightsInheriting: bigint,
    fdFlags: number,
  ): { ret: number; fd_obj: Fd | null } {
    const { ret, path } = this.resolve(pathString);
    if (path === null) return { ret, fd_obj: null };
    const create = (oflags & wasi.OFLAGS_CREAT) !== 0;
    const truncate = (oflags & wasi.OFLAGS_TRUNC) !== 0;
    const append = (fdFlags & wasi.FDFLAGS_APPEND) !== 0;
    const directory = (oflags & wasi.OFLAGS_DIRECTORY) !== 0 || namesDirectory(pathString);
    const wantsWrite = (rightsBase & WRITE_RIGHTS) !== 0n || truncate || append;
    const exclusive = create && (oflags & wasi.OFLAGS_EXCL) !== 0;
    // A readable flag: a file opened with neither read nor write rights (e.g. for fstat only) stays readable, as before.
    const readable = (rightsBase & BigInt(wasi.RIGHTS_FD_READ)) !== 0n || !wantsWrite;
    const mode = { read: readable, write: wantsWrite, create, exclusive, truncate };
    // The common case, a file to open: straight to the adapter, which refuses a directory
    // with ISDIR (the checks below then answer as for any directory). Looking first would
    // walk the path twice (the benchmark's small files: a third of the host calls).
    const mayOpenDirectly =
      !directory && follows(dirflags) && !exclusive && this.root.openFiles.held < this.root.openFiles.limit && (this.root.writable || (!create && !wantsWrite));
    if (mayOpenDirectly) {
      try {
        const handle = this.root.adapter.open(path, mode);
        return { ret: wasi.ERRNO_SUCCESS, fd_obj: new GrantedFileFd(this.root, path, handle, { readable, writable: wantsWrite, append }) };
      } catch (error) {
        if (!(error instanceof DirectoryAccessError && error.code === 'ISDIR')) return { ret: errnoFromError(error), fd_obj: null };
      }
    }
    try {
      // O_EXCL and O_NOFOLLOW look at the last name itself: any symlink there, dangling or
      // not, is EEXIST for the one and ELOOP (as in wasmtime) for the other.
      const last = exclusive || !follows(dirflags) ? this.root.adapter.stat(path, { follow: false }) : null;
      if (exclusive && last !== null) return { ret: wasi.ERRNO_EXIST, fd_obj: null };
      if (last?.kind === 'symlink') return { ret: wasi.ERRNO_LOOP, fd_obj: null };
      const stat = this.root.adapter.stat(path);
      if (stat?.kind === 'directory') {
        // With O_DIRECTORY the rights are a ceiling the toolchain copies from the parent
        // (Rust std passes the preopen's, FD_WRITE included), not a request to write:
        // wasmtime ignores them. Without it, asking to write a directory is EISDIR.
        if (truncate || (!directory && (rightsBase & BigInt(wasi.RIGHTS_FD_WRITE)) !== 0n)) return { ret: wasi.ERRNO_ISDIR, fd_obj: null };
        return { ret: wasi.ERRNO_SUCCESS, fd_obj: new GrantedDirectoryFd(this.root, path) };
      }
      if (stat === null && create && namesDirectory(pathString)) return { ret: wasi.ERRNO_ISDIR, fd_obj: null };
      if (directory) return { ret: stat === null ? wasi.ERRNO_NOENT : wasi.ERRNO_NOTDIR, fd_obj: null };
      if (stat === null && !create) return { ret: wasi.ERRNO_NOENT, fd_obj: null };
      if ((stat === null || wantsWrite) && !this.root.writable) return { ret: wasi.ERRNO_ROFS, fd_obj: null };
      // Each open holds a host descriptor until closed: MFILE past the run's count, as a process hits RLIMIT_NOFILE.
      if (this.root.openFiles.held >= this.root.openFiles.limit) return { ret: wasi.ERRNO_MFILE, fd_obj: null };
      const handle = this.root.adapter.open(path, mode);
      const fd = new GrantedFileFd(this.root, path, handle, { readable, writable: wantsWrite, append });
      return { ret: wasi.ERRNO_SUCCESS, fd_obj: fd };
    } catch (error) {
      return { ret: errnoFromError(error), fd_obj: null };
    }
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, fstFlags: number): number {
    return this.path_filestat_set_times(LOOKUPFLAGS_SYMLINK_FOLLOW, '.', atim, mtim, fstFlags);
  }

  override path_filestat_set_times(flags: number, pathString: string, atim: bigint, mtim: bigint, fstFlags: number): number {
    const times = requestedTimes(atim, mtim, fstFlags);
    if (times === null) return wasi.ERRNO_INVAL;
    return this.mutate(pathString, (path) => this.root.adapter.setTimes(path, times, { follow: follows(flags) }));
  }

  override path_create_directory(pathString: string): number {
    return this.mutate(pathString, (path) => this.root.adapter.makeDirectory(path));
  }

  override path_unlink_file(pathString: string): number {
    return this.mutate(pathString, (path) => this.root.adapter.removeFile(path));
  }

  override path_remove_directory(pathString: string): number {
    return this.mutate(pathString, (path) => this.root.adapter.removeDirectory(path));
  }

  override path_readlink(pathString: string): { ret: number; data: string | null } {
    const { ret, path } = this.resolve(pathString);
    if (path === null) return { ret, data: null };
    try {
      return { ret: wasi.ERRNO_SUCCESS, data: this.root.adapter.readlink(path) };
    } catch (error) {
      return { ret: errnoFromError(error), data: null };
    }
  }

  /**
   * Creates a symlink holding `target`. An absolute target is EPERM, as wasmtime answers:
   * it could only name host paths. A relative one may point anywhere; it is checked
   * (NOTCAPABLE outside the grant) each time it is followed, since what it reaches can change.
   */
  symlink(target: string, linkString: string): number {
    if (target.startsWith('/')) return wasi.ERRNO_PERM;
    if (target.includes('\0')) return wasi.ERRNO_INVAL;
    if (target === '') return wasi.ERRNO_NOENT;
    return this.mutate(linkString, (path) => this.root.adapter.symlink(target, path));
  }

  /**
   * `path_link`: answers what link(2) would for a missing source (NOENT), a directory
   * (PERM), a taken name (EXIST) or another grant (XDEV), then asks the adapter. A file
   * may get a second name only inside its own grant, and the Node adapter keeps refusing
   * files whose other names it did not make itself (see its link registry): a name inside
   * a grant may share its data with one outside it, and no path can tell.
   */
  link(fromString: string, lookupFlags: number, target: GrantedDirectoryFd, toText: string): number {
    if (target.root !== this.root) return wasi.ERRNO_XDEV;
    const from = this.resolve(fromString);
    if (from.path === null) return from.ret;
    const to = target.resolve(toText);
    if (to.path === null) return to.ret;
    if (!this.root.writable) return wasi.ERRNO_ROFS;
    try {
      const follow = follows(lookupFlags);
      const source = this.root.adapter.stat(from.path, { follow });
      if (source === null) return wasi.ERRNO_NOENT;
      if (source.kind === 'directory') return wasi.ERRNO_PERM;
      if (this.root.adapter.stat(to.path, { follow: false }) !== null) return wasi.ERRNO_EXIST;
      if (namesDirectory(fromString)) return wasi.ERRNO_NOTDIR;
      if (this.root.adapter.link === undefined) return wasi.ERRNO_PERM;
      this.root.adapter.link(from.path, to.path, { follow });
      return wasi.ERRNO_SUCCESS;
    } catch (error) {
      return errnoFromError(error);
    }
  }

  /** Rename within the same grant; the WASI host routes `path_rename` here. */
  rename(fromString: string, target: GrantedDirectoryFd, toText: string): number {
    if (target.root !== this.root) return wasi.ERRNO_XDEV;
    const to = target.resolve(toText);
    if (to.path === null) return to.ret;
    const toPath = to.path;
    return this.mutate(fromString, (from) => this.root.adapter.rename(from, toPath));
  }
}
