import type { z } from 'zod';
import { AgentboxError } from './agentbox-error.js';

/**
 * Validates untrusted input against a zod schema. Throws INVALID_INPUT naming every bad
 * field as a dotted path, e.g. `capabilities.memoryMb: Too big: expected number to be <=4096`.
 */
export function parseInputWith<S extends z.ZodType>(schema: S, input: unknown, source: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
  const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n');
  throw new AgentboxError('INVALID_INPUT', `invalid ${source}:\n${lines}`, { details: { issues } });
}
