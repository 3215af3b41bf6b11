import { constants } from 'node:fs';
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { Tool } from '../../agent/tools/tool.js';
import type { FsRootCapability } from '../../auth/capabilities.js';
import { openFileBeneath } from '../fs/open-beneath.js';
import { close, fstat, read } from './fs-descriptor-io.js';
import { fsFailure, stringArgument } from './fs-errors.js';
import { assertOpenedInside, resolveInRoots } from './resolve-in-roots.js';
import { effectiveFsRoots } from '../../agent/tools/effective-capabilities.js';
import { pathParameters, readOnlyRootCapabilities } from './path-parameters.js';

export interface FsReadResult {
  path: string;
  content: string;
  /** Size of the file on disk. */
  size: number;
  /** True when only the first `maxBytes` were read. */
  truncated: boolean;
}

/**
 * `fs_read`: a text file from inside the granted roots, cut at `maxBytes` (the start of a
 * long log is more useful to a model than an error).
 */
export function createFsReadTool(options: { fsRoots: FsRootCapability[]; maxBytes: number }): Tool<{ path: string }, FsReadResult> {
  return {
    name: 'fs_read',
    description: `Read a UTF-8 text file (at most ${options.maxBytes} bytes). Roots: ${options.fsRoots.map((r) => r.path).join(', ')}; relative paths start at the first.`,
    parameters: pathParameters('File path, relative to the first root or absolute inside a root.'),
    capabilities: readOnlyRootCapabilities(options.fsRoots),
    async execute(args, context) {
      const requested = stringArgument(args, 'path');
      const resolved = await resolveInRoots(effectiveFsRoots(options.fsRoots, context), requested, 'read');
      let fd: number;
      try {
        // Walked from the root's descriptor; O_NONBLOCK (added there) keeps a planted FIFO from hanging the call.
        fd = openFileBeneath(resolved.target, { flags: constants.O_RDONLY });
      } catch (error) {
        throw fsFailure('read', requested, error);
      }
      try {
        await assertOpenedInside(fd, resolved, 'read');
        const stat = await fstat(fd);
        if (stat.isDirectory()) throw new AgentboxError('TOOL_FAILED', `cannot read "${requested}": it is a directory (use fs_list)`);
        if (!stat.isFile()) throw new AgentboxError('TOOL_FAILED', `cannot read "${requested}": not a regular file`);
        // A hard link inside a root may share its data with a file outside it: paths cannot tell.
        if (stat.nlink > 1)
          throw new AgentboxError('TOOL_PATH_DENIED', `cannot read "${requested}": the file has other hard links, which may lie outside the granted roots`);
        const buffer = Buffer.alloc(Math.min(stat.size, options.maxBytes));
        let filled = 0;
        while (filled < buffer.length) {
          const { bytesRead } = await read(fd, buffer, filled, buffer.length - filled, filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return { path: resolved.real, content: buffer.subarray(0, filled).toString('utf8'), size: stat.size, truncated: stat.size > filled };
      } catch (error) {
        throw fsFailure('read', requested, error);
      } finally {
        await close(fd);
      }
    },
  };
}
