/**
 * Confined file access for the Node adapters that open paths inside a granted directory:
 * the fs tools (`src/node/tools/`) and the WASI directory adapter (`src/node/wasm/`).
 *
 * Callers map a request onto the real path below a root first (realpath, checked against
 * the root); these functions then open it by walking from the root's descriptor one
 * component at a time, each opened with O_NOFOLLOW (O_DIRECTORY for directories) and,
 * when asked, created just before it is opened — never `mkdir -p` or an open by full
 * path. A component swapped for a symlink after the mapping fails the walk instead of
 * being followed, so the walk reaches only what is below the root at that moment.
 *
 * Synchronous on purpose: WASI calls are synchronous, and a walk is a few open/fstat calls
 * on local descriptors; callers do their bulk reads and writes on the returned descriptor.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import type { FileIdentity } from './file-identity.js';
import { OpenDirectory } from './open-directory.js';
import { pathDenied } from './path-denied.js';

export interface BeneathTarget {
  /** Real path of the root: `realpath` output, so it holds no symlinks. */
  root: string;
  /** The directory the root must still be (pinned when it was granted); unchecked when absent. */
  rootIdentity?: FileIdentity;
  /** The path below the root, as names; none is empty, `.`, `..` or holds a separator. */
  components: readonly string[];
}

/** Opens the directory at `target`; the caller closes it. */
export function openDirectoryBeneath(target: BeneathTarget, options: { create?: boolean } = {}): OpenDirectory {
  let dir = OpenDirectory.openRoot(target.root, target.rootIdentity);
  try {
    for (const name of checked(target.components)) {
      const child = dir.openChild(name, options);
      dir.close();
      dir = child;
    }
    return dir;
  } catch (error) {
    dir.close();
    throw error;
  }
}

/**
 * Runs `use` with the open parent of `target` and its last name, for calls that act on a
 * name (mkdir, unlink, rmdir, rename, lstat): `parent.entry(name)` is the path to pass.
 */
export function withParentBeneath<T>(target: BeneathTarget, use: (parent: OpenDirectory, name: string) => T, options: { create?: boolean } = {}): T {
  const names = checked(target.components);
  const name = names[names.length - 1];
  if (name === undefined) throw pathDenied('the granted root itself has no parent to act in');
  const parent = openDirectoryBeneath({ ...target, components: names.slice(0, -1) }, options);
  try {
    return use(parent, name);
  } finally {
    parent.close();
  }
}

/**
 * Opens the file at `target` with `flags` (O_NOFOLLOW and O_NONBLOCK are added) and
 * returns the descriptor; `createParents` creates missing directories on the way, one at
 * a time. The root itself (no components) opens as the directory it is.
 */
export function openFileBeneath(target: BeneathTarget, options: { flags: number; mode?: number; createParents?: boolean }): number {
  if (target.components.length === 0) {
    const root = OpenDirectory.openRoot(target.root, target.rootIdentity);
    if ((options.flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)) === 0) return root.fd;
    root.close();
    throw Object.assign(new Error(`${target.root} is a directory`), { code: 'EISDIR' });
  }
  const create = options.createParents === true;
  return withParentBeneath(target, (parent, name) => parent.openFile(name, options.flags, options.mode), { create });
}

function checked(components: readonly string[]): readonly string[] {
  for (const name of components) {
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes(path.sep) || name.includes('\0')) {
      throw pathDenied(`bad path component ${JSON.stringify(name)}`);
    }
  }
  return components;
}
