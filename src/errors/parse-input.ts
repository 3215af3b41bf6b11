import type { z } from 'zod';
import { AgentboxError } from './agentbox-error.js';
import { formatIssues, issuesFromZod } from './validation-issue.js';

/**
 * Validates untrusted input against a zod schema. Throws INVALID_INPUT naming every bad
 * field as a dotted path, e.g. `capabilities.memoryMb: Too big: expected number to be <=4096`.
 */
export function parseInputWith<S extends z.ZodType>(schema: S, input: unknown, source: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error.issues);
  throw new AgentboxError('INVALID_INPUT', formatIssues(issues, { heading: `invalid ${source}` }), { details: { issues } });
}
