import { lstat, opendir } from 'node:fs/promises';
import type { Tool } from '../../agent/tools/tool.js';
import type { FsRootCapability } from '../../auth/capabilities.js';
import { openDirectoryBeneath } from '../fs/open-beneath.js';
import type { OpenDirectory } from '../fs/open-directory.js';
import { fsFailure, stringArgument } from './fs-errors.js';
import { assertOpenedInside, resolveInRoots } from './resolve-in-roots.js';
import { effectiveFsRoots } from '../../agent/tools/effective-capabilities.js';
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
export function createFsListTool(options: { fsRoots: FsRootCapability[]; maxEntries: number }): Tool<{ path: string }, FsListResult> {
  return {
    name: 'fs_list',
    description: `List a directory (at most ${options.maxEntries} entries). Roots: ${options.fsRoots.map((r) => r.path).join(', ')}; "." is the first root.`,
    parameters: pathParameters('Directory path, relative to the first root or absolute inside a root.'),
    capabilities: readOnlyRootCapabilities(options.fsRoots),
    async execute(args, context) {
      const requested = stringArgument(args, 'path');
      const resolved = await resolveInRoots(effectiveFsRoots(options.fsRoots, context), requested, 'read');
      const entries: FsListEntry[] = [];
      let truncated = false;
      // The directory is opened once, by walking from the root's descriptor, and listed
      // through that descriptor (Linux: /proc/self/fd/N), so a directory swapped for a
      // symlink cannot make the listing — names and sizes — come from outside the roots.
      let dir: OpenDirectory;
      try {
        dir = openDirectoryBeneath(resolved.target);
      } catch (error) {
        throw fsFailure('list', requested, error);
      }
      try {
        await assertOpenedInside(dir.fd, resolved, 'read');
        const listing = await opendir(dir.self());
        for await (const dirent of listing) {
          if (entries.length >= options.maxEntries) {
            truncated = true;
            break;
          }
          const stat = await lstat(dir.entry(dirent.name));
          const type = stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
          entries.push({ name: dirent.name, type, size: type === 'file' ? stat.size : 0 });
        }
      } catch (error) {
        throw fsFailure('list', requested, error);
      } finally {
        dir.close();
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { path: resolved.real, entries, truncated };
    },
  };
}
