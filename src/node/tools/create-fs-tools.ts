import path from 'node:path';
import type { Tool } from '../../agent/tools/tool.js';
import type { FsRootCapability } from '../../auth/capabilities.js';
import { createFsListTool } from './fs-list-tool.js';
import { createFsReadTool } from './fs-read-tool.js';
import { createFsWriteTool } from './fs-write-tool.js';

export interface FsToolsOptions {
  /** Directories the tools may reach; relative ones resolve against the current directory now. */
  roots: FsRootCapability[];
  /** Largest file `fs_read` returns and `fs_write` accepts. Default 1 MiB. */
  maxBytes?: number;
  /** Most entries `fs_list` returns. Default 1000. */
  maxEntries?: number;
}

/**
 * The native file tools `fs_read`, `fs_write`, `fs_list`, confined to `roots`. When the
 * executor passes a call's effective capabilities (`ToolContext.capabilities`), a call
 * reaches only the part of the roots those capabilities also grant.
 *
 * @example
 * const tools = createFsTools({ roots: [{ path: './workspace', write: true }] });
 */
export function createFsTools(options: FsToolsOptions): Tool[] {
  const roots = options.roots.map((r) => ({ path: path.resolve(r.path), write: r.write === true }));
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return [
    createFsReadTool({ roots, maxBytes }),
    createFsWriteTool({ roots, maxBytes }),
    createFsListTool({ roots, maxEntries: options.maxEntries ?? 1000 }),
  ] as Tool[];
}
