import { AgentboxError } from '../../errors/agentbox-error.js';

/** A file system failure inside a granted root, as a tool error the model can act on. */
export function fsFailure(action: string, requested: string, error: unknown): AgentboxError {
  if (AgentboxError.isInstance(error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'ENOTDIR'
          ? 'a parent is not a directory'
          : code === 'ELOOP'
            ? 'it is a symlink (swapped in while opening)'
            : code === 'EACCES' || code === 'EPERM'
              ? 'the operating system refused access'
              : (error as Error).message;
  return new AgentboxError('TOOL_FAILED', `cannot ${action} "${requested}": ${why}`, {
    cause: error,
    details: { path: requested, ...(code ? { errno: code } : {}) },
  });
}

/** Reads a required string argument; the executor validates too, but tools can be called directly. */
export function stringArgument(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw new AgentboxError('TOOL_ARGS_INVALID', `"${name}" must be a string`);
  return value;
}
