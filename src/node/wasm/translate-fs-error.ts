/** Maps a Node fs error (or a confinement refusal) to the adapter's error codes, hence WASI errnos. */
import { AgentboxError } from '../../errors/agentbox-error.js';
import { DirectoryAccessError, type DirectoryErrorCode } from '../../sandbox/wasm/directory-adapter.js';

const NODE_CODES: Record<string, DirectoryErrorCode> = {
  ENOENT: 'NOENT',
  EEXIST: 'EXIST',
  ENOTDIR: 'NOTDIR',
  EISDIR: 'ISDIR',
  ENOTEMPTY: 'NOTEMPTY',
  EACCES: 'ACCES',
  EPERM: 'ACCES',
  ELOOP: 'NOTCAPABLE',
  EMLINK: 'NOTCAPABLE',
  EROFS: 'ROFS',
  EFBIG: 'FBIG',
  EINVAL: 'INVAL',
};

export function translateFsError(error: unknown): DirectoryAccessError {
  if (error instanceof DirectoryAccessError) return error;
  if (AgentboxError.isInstance(error) && error.code === 'TOOL_PATH_DENIED') return new DirectoryAccessError('NOTCAPABLE', error.message);
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new DirectoryAccessError(NODE_CODES[code] ?? 'IO', (error as Error).message);
}
