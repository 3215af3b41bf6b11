import { lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { BeneathTarget } from '../fs/open-beneath.js';
import { pathDenied as denied } from '../fs/path-denied.js';
import type { BoundedFsRoot } from '../../agent/tools/effective-capabilities.js';

/** A granted root as it is on disk right now. */
export interface RealRoot {
  /** `realpath` of the root: no symlinks, so plain prefix comparison is sound. */
  real: string;
  write: boolean;
  /** `realpath` of the configured root it lies in, which `real` was checked to stay inside. */
  base: string;
}

export interface ResolvedPath {
  /** The target with every existing component's symlinks resolved. */
  real: string;
  /** The roots in force for this call, for re-checking after open. */
  roots: RealRoot[];
  /** Where to open it: `real` as names below its configured root, for `openFileBeneath` and friends. */
  target: BeneathTarget;
}

/**
 * Maps a path a model asked for onto the disk, refusing anything that is not inside a
 * granted root once symlinks are resolved. Relative paths resolve against the first root.
 *
 * Why realpath and not a string check: `..`, absolute paths, a symlink at the target or
 * at any parent, and case variants of the root all reduce to "where is this really";
 * comparing real paths answers that once. The part of the path that does not exist yet
 * cannot contain symlinks, so it is appended as is. A root narrowed by a role grant is
 * resolved too and must stay inside the configured root it came from.
 *
 * A process that can write inside the root could still swap a directory for a symlink
 * between this check and the open; callers therefore open `target` by walking from the
 * configured root's descriptor (`src/node/fs/open-beneath.ts`), which refuses a symlink
 * at any step, and re-check the opened descriptor with {@link assertOpenedInside}.
 */
export async function resolveInRoots(roots: readonly BoundedFsRoot[], requested: unknown, access: 'read' | 'write'): Promise<ResolvedPath> {
  if (typeof requested !== 'string' || requested === '') throw denied('the path must be a non-empty string');
  if (requested.includes('\0')) throw denied('the path contains a NUL byte');
  const realRoots = await realRootsOf(roots);
  const first = roots[0];
  if (!first || realRoots.length === 0) throw denied('no file roots are granted to this tool');
  const lexical = path.resolve(first.path, requested);
  const real = await realPathAllowingMissingTail(lexical, requested);
  const inside = realRoots.filter((r) => isInside(real, r.real));
  const where = roots.map((r) => r.path).join(', ');
  if (inside.length === 0) throw denied(`"${requested}" is outside the granted roots (${where})`, { path: requested });
  const chosen = access === 'write' ? inside.find((r) => r.write) : inside[0];
  if (!chosen) throw denied(`"${requested}" is in a read-only root (${where})`, { path: requested });
  const components = path
    .relative(chosen.base, real)
    .split(path.sep)
    .filter((c) => c !== '');
  return { real, roots: realRoots, target: { root: chosen.base, components } };
}

/**
 * Re-checks an open descriptor on Linux through `/proc/self/fd`, which names the file
 * actually opened. The walk that opened it already stayed below the configured root; this
 * also holds it to the (possibly narrower) granted root. Elsewhere the walk stands alone.
 */
export async function assertOpenedInside(fd: number, resolved: Pick<ResolvedPath, 'roots'>, access: 'read' | 'write'): Promise<void> {
  let opened: string;
  try {
    opened = await readlink(`/proc/self/fd/${fd}`);
  } catch {
    return;
  }
  const ok = resolved.roots.some((r) => isInside(opened, r.real) && (access === 'read' || r.write));
  if (!ok) throw denied('the file changed while it was being opened and now lies outside the granted roots');
}

export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

async function realRootsOf(roots: readonly BoundedFsRoot[]): Promise<RealRoot[]> {
  const out: RealRoot[] = [];
  for (const root of roots) {
    try {
      const real = await realpath(path.resolve(root.path));
      const base = root.within === undefined ? real : await realpath(path.resolve(root.within));
      // A sub-root that is (or became) a symlink out of its configured root grants nothing.
      if (isInside(real, base)) out.push({ real, write: root.write === true, base });
    } catch {
      // A root that does not exist grants nothing; it must not fail the other roots.
    }
  }
  return out;
}

async function realPathAllowingMissingTail(lexical: string, requested: string): Promise<string> {
  const tail: string[] = [];
  let current = lexical;
  for (;;) {
    try {
      await lstat(current);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw failed(requested, error);
      const parent = path.dirname(current);
      if (parent === current) break;
      tail.unshift(path.basename(current));
      current = parent;
    }
  }
  try {
    return path.join(await realpath(current), ...tail);
  } catch (error) {
    // lstat saw it but realpath cannot follow it: a dangling symlink, whose target may be anywhere.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw denied(`"${requested}" goes through a dangling symlink`, { path: requested });
    throw failed(requested, error);
  }
}

function failed(requested: string, cause: unknown): AgentboxError {
  return new AgentboxError('TOOL_FAILED', `cannot resolve "${requested}": ${(cause as Error).message}`, { cause });
}
