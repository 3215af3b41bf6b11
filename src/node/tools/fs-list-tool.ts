import { constants } from 'node:fs';
import { lstat, open, opendir } from 'node:fs/promises';
import path from 'node:path';
import type { Tool } from '../../agent/tools/tool.js';
import type { FsRootCapability } from '../../auth/capabilities.js';
import { fsFailure, stringArgument } from './fs-errors.js';
import { assertOpenedInside, resolveInRoots } from './resolve-in-roots.js';
import { effectiveFsRoots } from './tool-capabilities.js';
import { pathParameters, readOnlyRootCapabilities } from './path-parameters.js';

export interface FsListEntry {
  name: string;
  /** Symlinks are reported, not followed: where they point may be outside the roots. */
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
}

export interface FsListResult {
  path: string;
  entries: FsListEntry[];
  truncated: boolean;
}

/** `fs_list`: the entries of a directory inside the granted roots, sorted by name. */
export function createFsListTool(options: { roots: FsRootCapability[]; maxEntries: number }): Tool<{ path: string }, FsListResult> {
  return {
    name: 'fs_list',
    description: `List a directory (at most ${options.maxEntries} entries). Roots: ${options.roots.map((r) => r.path).join(', ')}; "." is the first root.`,
    parameters: pathParameters('Directory path, relative to the first root or absolute inside a root.'),
    capabilities: readOnlyRootCapabilities(options.roots),
    async execute(args, context) {
      const requested = stringArgument(args, 'path');
      const resolved = await resolveInRoots(effectiveFsRoots(options.roots, context), requested, 'read');
      const entries: FsListEntry[] = [];
      let truncated = false;
      // The directory is opened once and re-checked, then listed through that descriptor
      // (Linux: /proc/self/fd/N), so a directory swapped for a symlink after the check
      // cannot make the listing — names and sizes — come from outside the roots.
      let handle;
      try {
        handle = await open(resolved.real, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (error) {
        throw fsFailure('list', requested, error);
      }
      try {
        await assertOpenedInside(handle.fd, resolved, 'read');
        const viaDescriptor = `/proc/self/fd/${handle.fd}`;
        const where = await lstat(viaDescriptor).then(() => viaDescriptor, () => resolved.real);
        const dir = await opendir(where);
        for await (const dirent of dir) {
          if (entries.length >= options.maxEntries) {
            truncated = true;
            break;
          }
          const stat = await lstat(path.join(where, dirent.name));
          const type = stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
          entries.push({ name: dirent.name, type, size: type === 'file' ? stat.size : 0 });
        }
      } catch (error) {
        throw fsFailure('list', requested, error);
      } finally {
        await handle.close();
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { path: resolved.real, entries, truncated };
    },
  };
}
