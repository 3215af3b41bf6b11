import type { z } from 'zod';
import { AgentboxError } from '../errors/agentbox-error.js';
import { sessionIdMessage, sessionIdPattern } from './request-schemas.js';

/**
 * Validates request input with zod; a failure is INVALID_INPUT (400) whose message names
 * the field, e.g. `body.input: expected string, received number`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params' | 'headers'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const text = issues
    .slice(0, 5)
    .map((i) => `${i.field}: ${i.message}`)
    .join('; ');
  return failInput(text, issues);
}

/**
 * The `:id` path parameter, checked without zod: the same rule and the same 400 as
 * `sessionParamsSchema`, at a fraction of the cost on the hottest routes.
 */
export function parseSessionId(id: string | undefined): string {
  if (id !== undefined && sessionIdPattern.test(id)) return id;
  return failInput(`params.id: ${sessionIdMessage}`, [{ field: 'params.id', message: sessionIdMessage }]);
}

function failInput(text: string, issues: Array<{ field: string; message: string }>): never {
  throw new AgentboxError('INVALID_INPUT', text, { details: { issues } });
}

/** Reads a JSON body; an empty body is `{}`, malformed JSON is a 400 naming the body. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AgentboxError('INVALID_INPUT', 'body: not valid JSON', { details: { issues: [{ field: 'body', message: 'not valid JSON' }] } });
  }
}
