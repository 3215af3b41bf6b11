import path from 'node:path';
import type { Tool } from '../../agent/tools/tool.js';
import type { FsRootCapability } from '../../auth/capabilities.js';
import { ConfigError } from '../../errors/config-error.js';
import { createFsListTool } from './fs-list-tool.js';
import { createFsReadTool } from './fs-read-tool.js';
import { createFsWriteTool } from './fs-write-tool.js';

export interface FsToolsOptions {
  /**
   * Directories the tools may reach (`Capabilities.fsRoots`, the same spelling a role's
   * grant uses); relative ones resolve against the current directory now.
   */
  fsRoots: FsRootCapability[];
  /** Largest file `fs_read` returns and `fs_write` accepts. Default 1 MiB. */
  maxBytes?: number;
  /** Most entries `fs_list` returns. Default 1000. */
  maxEntries?: number;
}

/**
 * The native file tools `fs_read`, `fs_write`, `fs_list`, confined to `fsRoots`. When the
 * executor passes a call's effective capabilities (`ToolContext.capabilities`), a call
 * reaches only the part of the roots those capabilities also grant.
 *
 * @example
 * const tools = createFsTools({ fsRoots: [{ path: './workspace', write: true }] });
 */
export function createFsTools(options: FsToolsOptions): Tool[] {
  // Plain JavaScript callers get the rename as a clear error, not a crash on `undefined`.
  if (!Array.isArray(options.fsRoots)) {
    const renamed = 'roots' in options ? '`roots` was renamed to `fsRoots`' : 'expected an array of { path, write? }';
    throw new ConfigError([{ path: 'fsRoots', message: renamed }], 'fs tool options');
  }
  const fsRoots = options.fsRoots.map((r) => ({ path: path.resolve(r.path), write: r.write === true }));
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return [
    createFsReadTool({ fsRoots, maxBytes }),
    createFsWriteTool({ fsRoots, maxBytes }),
    createFsListTool({ fsRoots, maxEntries: options.maxEntries ?? 1000 }),
  ];
}
