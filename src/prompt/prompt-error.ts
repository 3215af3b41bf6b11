import { AgentboxError } from '../errors/agentbox-error.js';
import { formatIssues, type ValidationIssue } from '../errors/validation-issue.js';

/** PROMPT_INVALID naming the file and each bad key, one a line (read in a terminal). */
export function promptInvalid(file: string, issues: ValidationIssue[], cause?: unknown): AgentboxError<'PROMPT_INVALID'> {
  return new AgentboxError('PROMPT_INVALID', formatIssues(issues, { heading: `invalid prompt file ${file}` }), {
    details: { issues, file },
    ...(cause === undefined ? {} : { cause }),
  });
}
