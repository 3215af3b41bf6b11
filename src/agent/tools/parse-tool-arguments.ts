import { AgentboxError } from '../../errors/agentbox-error.js';

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);
/** Text that may spell a forbidden key: one of the names, or an escape that could hide one. */
const mayHoldForbiddenKey = /__proto__|constructor|prototype|\\/;

/**
 * Parses model-written JSON arguments. Keys that could pollute prototypes when a tool
 * merges its arguments into an object are dropped at the edge.
 */
export function parseToolArguments(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  let value: unknown;
  try {
    // A reviver is called for every value and costs more than the parse; most arguments need none.
    value = mayHoldForbiddenKey.test(trimmed) ? JSON.parse(trimmed, (key, v: unknown) => (forbiddenKeys.has(key) ? undefined : v)) : JSON.parse(trimmed);
  } catch (error) {
    throw new AgentboxError('TOOL_ARGS_INVALID', `arguments are not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AgentboxError('TOOL_ARGS_INVALID', 'arguments must be a JSON object');
  }
  return value as Record<string, unknown>;
}
