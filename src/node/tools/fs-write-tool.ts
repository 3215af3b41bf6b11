import { constants } from 'node:fs';
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { Tool } from '../../agent/tools/tool.js';
import type { FsRootCapability } from '../../auth/capabilities.js';
import { openFileBeneath } from '../fs/open-beneath.js';
import { close, fstat, ftruncate, write } from './fs-descriptor-io.js';
import { fsFailure, stringArgument } from './fs-errors.js';
import { assertOpenedInside, resolveInRoots } from './resolve-in-roots.js';
import { effectiveFsRoots } from '../../agent/tools/effective-capabilities.js';

export interface FsWriteResult {
  path: string;
  bytesWritten: number;
}

/**
 * `fs_write`: creates or replaces a text file inside a writable root, creating missing
 * parent directories one at a time, each below the root when it is made (never `mkdir -p`
 * by path). Everything is checked before the first byte changes on disk.
 */
export function createFsWriteTool(options: { fsRoots: FsRootCapability[]; maxBytes: number }): Tool<{ path: string; content: string }, FsWriteResult> {
  const writable = options.fsRoots.filter((r) => r.write);
  return {
    name: 'fs_write',
    description: `Create or overwrite a UTF-8 text file (at most ${options.maxBytes} bytes). Writable roots: ${writable.map((r) => r.path).join(', ') || 'none'}.`,
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'File path, relative to the first root or absolute inside a writable root.' },
        content: { type: 'string', description: 'The whole new content of the file.' },
      },
      required: ['path', 'content'],
      additionalProperties: false,
    },
    capabilities: { fsRoots: writable.map((r) => ({ path: r.path, write: true })) },
    async execute(args, context) {
      const requested = stringArgument(args, 'path');
      const content = stringArgument(args, 'content');
      const bytes = Buffer.from(content, 'utf8');
      if (bytes.length > options.maxBytes) {
        throw new AgentboxError('TOOL_ARGS_INVALID', `content is ${bytes.length} bytes; fs_write takes at most ${options.maxBytes}`);
      }
      const resolved = await resolveInRoots(effectiveFsRoots(options.fsRoots, context), requested, 'write');
      try {
        // No O_TRUNC: the old content is cut only after the descriptor is re-checked.
        const fd = openFileBeneath(resolved.target, { flags: constants.O_WRONLY | constants.O_CREAT, mode: 0o644, createParents: true });
        try {
          await assertOpenedInside(fd, resolved, 'write');
          const stat = await fstat(fd);
          if (!stat.isFile()) throw new AgentboxError('TOOL_FAILED', `cannot write "${requested}": not a regular file`);
          // A hard link inside a root may share its data with a file outside it: paths cannot tell.
          if (stat.nlink > 1)
            throw new AgentboxError('TOOL_PATH_DENIED', `cannot write "${requested}": the file has other hard links, which may lie outside the granted roots`);
          await ftruncate(fd, 0);
          for (let written = 0; written < bytes.length; ) written += (await write(fd, bytes, written, bytes.length - written, written)).bytesWritten;
        } finally {
          await close(fd);
        }
      } catch (error) {
        throw fsFailure('write', requested, error);
      }
      return { path: resolved.real, bytesWritten: bytes.length };
    },
  };
}
