import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { Tool } from '../../agent/tools/tool.js';
import type { FsRootCapability } from '../../auth/capabilities.js';
import { fsFailure, stringArgument } from './fs-errors.js';
import { assertOpenedInside, resolveInRoots } from './resolve-in-roots.js';
import { effectiveFsRoots } from './tool-capabilities.js';

export interface FsWriteResult {
  path: string;
  bytesWritten: number;
}

/**
 * `fs_write`: creates or replaces a text file inside a writable root, creating missing
 * parent directories. Everything is checked before the first byte changes on disk.
 */
export function createFsWriteTool(options: { roots: FsRootCapability[]; maxBytes: number }): Tool<{ path: string; content: string }, FsWriteResult> {
  const writable = options.roots.filter((r) => r.write);
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
      const resolved = await resolveInRoots(effectiveFsRoots(options.roots, context), requested, 'write');
      try {
        await mkdir(path.dirname(resolved.real), { recursive: true });
        // No O_TRUNC: the old content is cut only after the descriptor is re-checked.
        const handle = await open(resolved.real, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
        try {
          await assertOpenedInside(handle.fd, resolved, 'write');
          const stat = await handle.stat();
          if (!stat.isFile()) throw new AgentboxError('TOOL_FAILED', `cannot write "${requested}": not a regular file`);
          // A hard link inside a root may share its data with a file outside it: paths cannot tell.
          if (stat.nlink > 1) throw new AgentboxError('TOOL_PATH_DENIED', `cannot write "${requested}": the file has other hard links, which may lie outside the granted roots`);
          await handle.truncate(0);
          await handle.write(bytes, 0, bytes.length, 0);
        } finally {
          await handle.close();
        }
      } catch (error) {
        throw fsFailure('write', requested, error);
      }
      return { path: resolved.real, bytesWritten: bytes.length };
    },
  };
}
