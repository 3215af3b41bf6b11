/**
 * How a granted directory reaches the WASI layer. The portable layer never sees a host
 * path: it hands the adapter a list of already-checked components relative to the
 * granted root, and the adapter (Node: `src/node/wasm/node-directory-adapter.ts`)
 * maps them onto real storage and refuses anything — a symlink above all — that would
 * land outside the root. Calls are synchronous because WASI calls are.
 */

export type DirectoryEntryKind = 'file' | 'directory';

export interface DirectoryEntryStat {
  kind: DirectoryEntryKind;
  size: number;
  /** Milliseconds since the epoch; 0 when unknown. */
  modifiedMs: number;
}

/** Error codes an adapter may throw; mapped to WASI errnos. */
export type DirectoryErrorCode = 'NOENT' | 'EXIST' | 'NOTDIR' | 'ISDIR' | 'NOTEMPTY' | 'ACCES' | 'NOTCAPABLE' | 'ROFS' | 'FBIG' | 'IO';

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

export interface DirectoryAdapter {
  /** `null` when nothing is there. Throws NOTCAPABLE if the path resolves outside the root. */
  stat(path: GuestPath): DirectoryEntryStat | null;
  readFile(path: GuestPath): Uint8Array;
  /** Creates or replaces the file. */
  writeFile(path: GuestPath, data: Uint8Array): void;
  list(path: GuestPath): Array<{ name: string; kind: DirectoryEntryKind }>;
  makeDirectory(path: GuestPath): void;
  removeFile(path: GuestPath): void;
  removeDirectory(path: GuestPath): void;
  rename(from: GuestPath, to: GuestPath): void;
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
