import { AgentboxError } from '../../errors/agentbox-error.js';

/** The one error for "this would leave the root", whichever adapter asked. */
export function pathDenied(message: string, details?: Record<string, unknown>): AgentboxError {
  return new AgentboxError('TOOL_PATH_DENIED', `path denied: ${message}`, details ? { details } : {});
}
