/**
 * How the Node WASI adapter finds a guest path: by walking from the grant root's
 * descriptor one component at a time, each directory opened with O_NOFOLLOW relative to
 * the one before it (`src/node/fs/open-directory.ts`). A symlink met on the way is read and
 * its target walked in turn — from the link's directory, or from the root for an absolute
 * target that names the grant — exactly as the in-memory adapter resolves its links; one
 * that climbs above the root or names another absolute path is NOTCAPABLE, more than 40
 * hops LOOP. The kernel never follows a symlink for a guest, so a directory swapped for one
 * mid-walk fails the call instead of leading out.
 *
 * The root is opened once (and pinned by device and inode) for all walks until `close`:
 * re-opening it per path, with a `realpath` of every path first (an lstat per component
 * from `/`), was most of the cost of a small-file guest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DirectoryAccessError, type GuestPath, resolveGuestPath } from '../../sandbox/wasm/directory-adapter.js';
import type { FileIdentity } from '../fs/file-identity.js';
import { OpenDirectory } from '../fs/open-directory.js';
import { translateFsError } from './translate-fs-error.js';

const MAX_SYMLINK_HOPS = 40;

/** Thrown by a final step that met a symlink it is to follow. */
export class FollowLink extends Error {}

/** What a step is told besides where it is: whether its name was reached by following a symlink. */
export interface StepContext {
  throughLink: boolean;
}

/** `dir` is open on the entry's parent; `name` is undefined for the granted root itself (then `dir` is the root). */
export type Step<T> = (dir: OpenDirectory, name: string | undefined, context: StepContext) => T;

function badComponent(part: string): boolean {
  return part === '' || part === '.' || part === '..' || part.includes('/') || part.includes('\\') || part.includes('\0');
}

export interface Grant {
  /** Real path of the root (`realpath`). */
  root: string;
  /** The path as granted, before realpath: a host symlink naming a file inside may spell it so. */
  given: string;
  /** The directory granted: a root path later swapped for another directory is refused. */
  identity: FileIdentity;
}

export class GrantWalker {
  private rootDir: OpenDirectory | undefined;

  constructor(private readonly grant: Grant) {}

  private rootDirectory(): OpenDirectory {
    this.rootDir ??= OpenDirectory.openRoot(this.grant.root, this.grant.identity);
    return this.rootDir;
  }

  close(): void {
    const dir = this.rootDir;
    this.rootDir = undefined;
    dir?.close();
  }

  /**
   * Walks to `parts` and runs `step` in the entry's parent. Symlinks on the way are
   * followed (walked from the root, never by the kernel); at the end only with
   * `followLast`, when the step throws `FollowLink` or its O_NOFOLLOW open meets a symlink.
   */
  walk<T>(parts: GuestPath, followLast: boolean, step: Step<T>): T {
    for (const part of parts) if (badComponent(part)) throw new DirectoryAccessError('NOTCAPABLE', `bad path component ${part}`);
    try {
      const root = this.rootDirectory();
      let pending = [...parts];
      let at: string[] = [];
      let dir = root;
      let hops = 0;
      let throughLink = false;
      const follow = (name: string, rest: string[]): void => {
        if (++hops > MAX_SYMLINK_HOPS) throw new DirectoryAccessError('LOOP', 'too many symlinks');
        const aim = fs.readlinkSync(dir.entry(name));
        const { base, rest: aimPath } = this.aimFrom(at, aim);
        const resolved = resolveGuestPath(base, aimPath);
        if (!resolved.ok) throw new DirectoryAccessError('NOTCAPABLE', 'symlink leads outside the granted directory');
        pending = [...resolved.path, ...rest];
        at = [];
        if (dir !== root) dir.close();
        dir = root;
      };
      try {
        for (;;) {
          const name = pending[0];
          if (name === undefined) return step(dir, undefined, { throughLink });
          const rest = pending.slice(1);
          if (rest.length === 0) {
            try {
              return step(dir, name, { throughLink });
            } catch (error) {
              if (!followLast || !this.metLink(error, dir, name)) throw error;
            }
            follow(name, rest);
            throughLink = true;
            continue;
          }
          let child: OpenDirectory;
          try {
            child = dir.openChild(name);
          } catch (error) {
            if (!this.metLink(error, dir, name)) throw error;
            follow(name, rest);
            continue;
          }
          if (dir !== root) dir.close();
          dir = child;
          at.push(name);
          pending = rest;
        }
      } finally {
        if (dir !== root) dir.close();
      }
    } catch (error) {
      throw translateFsError(error);
    }
  }

  /**
   * Where a symlink's target is walked from: a relative one from the link's directory
   * (`at`), an absolute one from the root, and only if it names the grant.
   */
  private aimFrom(at: GuestPath, aim: string): { base: GuestPath; rest: string } {
    if (!path.isAbsolute(aim)) return { base: at, rest: aim };
    for (const base of [this.grant.root, this.grant.given]) {
      if (aim === base || aim.startsWith(base + path.sep)) return { base: [], rest: path.relative(base, aim) };
    }
    throw new DirectoryAccessError('NOTCAPABLE', 'symlink to an absolute path outside the granted directory');
  }

  /** Whether `error` from a step on `name` means a symlink stood there (checked on the name itself). */
  private metLink(error: unknown, dir: OpenDirectory, name: string): boolean {
    if (error instanceof FollowLink) return true;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP' && code !== 'EMLINK' && code !== 'TOOL_PATH_DENIED') return false;
    try {
      return fs.lstatSync(dir.entry(name)).isSymbolicLink();
    } catch {
      return false;
    }
  }
}
