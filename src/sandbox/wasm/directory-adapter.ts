/**
 * How a granted directory reaches the WASI layer. The portable layer never sees a host
 * path: it hands the adapter a list of already-checked components relative to the
 * granted root, and the adapter (Node: `src/node/wasm/node-directory-adapter.ts`)
 * maps them onto real storage and refuses anything — a symlink above all — that would
 * land outside the root. Calls are synchronous because WASI calls are.
 *
 * File content moves through `open` handles in pieces (read-at / write-at), never whole:
 * descriptors of one file share it, nothing waits for a close to be written, and a file of
 * any size streams while the host holds only the piece in flight.
 */

export type DirectoryEntryKind = 'file' | 'directory' | 'symlink';

export interface DirectoryEntryStat {
  kind: DirectoryEntryKind;
  /** For a symlink (only reported without `follow`): the length of its target text. */
  size: number;
  /** Milliseconds since the epoch (fractions carry finer precision); 0 when unknown. */
  modifiedMs: number;
  /** Last access, likewise; the modification time when the adapter keeps none. */
  accessedMs?: number;
  /** Names the file has (hard links); 1 when absent. */
  links?: number;
  /**
   * Which file this is, for a file with more than one name: the same for every name, so a
   * guest sees one inode. Absent, the WASI layer numbers the entry by its path.
   */
  inode?: bigint;
}

/** An entry of `DirectoryAdapter.list`; `inode` as in `DirectoryEntryStat`. */
export interface DirectoryEntry {
  name: string;
  kind: DirectoryEntryKind;
  inode?: bigint;
}

/** What `DirectoryFileHandle.stat` reports: the open file's own, whatever its names now are. */
export interface OpenFileStat {
  size: number;
  modifiedMs: number;
  accessedMs: number;
  links: number;
  inode?: bigint;
}

/** Times to set, in milliseconds since the epoch; a time left out is kept. */
export interface FileTimes {
  accessedMs?: number;
  modifiedMs?: number;
}

/** Error codes an adapter may throw; mapped to WASI errnos. */
export type DirectoryErrorCode =
  | 'NOENT'
  | 'EXIST'
  | 'NOTDIR'
  | 'ISDIR'
  | 'NOTEMPTY'
  | 'ACCES'
  | 'PERM'
  | 'NOTCAPABLE'
  | 'ROFS'
  | 'FBIG'
  | 'INVAL'
  | 'LOOP'
  | 'IO';

export class DirectoryAccessError extends Error {
  override name = 'DirectoryAccessError';
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A path inside a granted root, as components: never empty strings, `.` or `..`. */
export type GuestPath = readonly string[];

/** How `DirectoryAdapter.open` opens a file; the WASI layer has already checked the grant allows it. */
export interface OpenFileMode {
  read: boolean;
  write: boolean;
  /** Create the file if it is missing. */
  create: boolean;
  /** With `create`: fail with EXIST if it is there. */
  exclusive: boolean;
  /** Cut to zero length once the file is known to be one the guest may write. */
  truncate: boolean;
}

/**
 * An open file: positions are absolute (the WASI layer keeps each descriptor's offset), so
 * two handles of one file see each other's writes at once, as two POSIX descriptors do.
 * Failures throw `DirectoryAccessError`.
 */
export interface DirectoryFileHandle {
  /** Reads up to `into.byteLength` bytes at `position`; returns how many (0 at the end). */
  readAt(into: Uint8Array, position: number): number;
  /** Writes all of `data` at `position`, growing the file as needed. */
  writeAt(data: Uint8Array, position: number): void;
  size(): number;
  /** Size, times (milliseconds since the epoch; 0 when unknown) and names, in one look. */
  stat(): OpenFileStat;
  setTimes(times: FileTimes): void;
  setSize(size: number): void;
  sync(): void;
  close(): void;
}

export interface DirectoryAdapter {
  /** Opens a regular file; ISDIR for a directory, ACCES for anything else that is not a regular file. */
  open(path: GuestPath, mode: OpenFileMode): DirectoryFileHandle;
  /**
   * `null` when nothing is there. Symlinks in the path are followed, the last one only with
   * `follow` (the default); one that resolves outside the root throws NOTCAPABLE.
   */
  stat(path: GuestPath, options?: { follow?: boolean }): DirectoryEntryStat | null;
  /** Sets a file's or directory's times; without `follow` a symlink at the end gets them itself. */
  setTimes(path: GuestPath, times: FileTimes, options?: { follow?: boolean }): void;
  /** Creates a symlink at `path` holding `target` (relative; checked only when followed). */
  symlink(target: string, path: GuestPath): void;
  /** The target text of the symlink at `path`; INVAL if it is not one. */
  readlink(path: GuestPath): string;
  readFile(path: GuestPath): Uint8Array;
  /** Creates or replaces the file. */
  writeFile(path: GuestPath, data: Uint8Array): void;
  /** Symlinks are listed as `symlink`, not followed. */
  list(path: GuestPath): DirectoryEntry[];
  /** These act on the last name itself: a symlink there is removed or renamed, not followed. */
  makeDirectory(path: GuestPath): void;
  removeFile(path: GuestPath): void;
  removeDirectory(path: GuestPath): void;
  rename(from: GuestPath, to: GuestPath): void;
  /**
   * Gives the file at `from` the further name `to` (a hard link), following a symlink at
   * `from` only with `follow`. PERM for a directory, or where the adapter cannot keep the
   * link confined (see the Node adapter's link registry). An adapter without it makes no
   * hard links (`path_link` answers EPERM).
   */
  link?(from: GuestPath, to: GuestPath, options?: { follow?: boolean }): void;
  /** Gives back what the adapter holds open (the Node adapter's root descriptor); it reopens if used again. */
  close?(): void;
}

export type ResolvedGuestPath = { ok: true; path: GuestPath } | { ok: false; code: 'NOTCAPABLE' | 'INVAL' };

/**
 * Resolves a guest path relative to `base` lexically: absolute paths are refused (WASI
 * paths are relative to a directory descriptor) and `..` may not climb above the root.
 * Symlinks are the adapter's job, since only it can see them.
 */
export function resolveGuestPath(base: GuestPath, path: string): ResolvedGuestPath {
  if (path.startsWith('/') || path.includes('\\')) return { ok: false, code: 'NOTCAPABLE' };
  if (path.includes('\0')) return { ok: false, code: 'INVAL' };
  const parts = [...base];
  for (const component of path.split('/')) {
    if (component === '' || component === '.') continue;
    if (component === '..') {
      if (parts.length === 0) return { ok: false, code: 'NOTCAPABLE' };
      parts.pop();
      continue;
    }
    parts.push(component);
  }
  return { ok: true, path: parts };
}
