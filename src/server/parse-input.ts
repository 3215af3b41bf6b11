import type { z } from 'zod';
import { tooDeep } from '../engine/nesting-depth.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import { formatIssues, issuesFromZod, type ValidationIssue } from '../errors/validation-issue.js';
import { sessionIdMessage, sessionIdPattern } from './request-schemas.js';

/**
 * Validates request input with zod; a failure is INVALID_INPUT (400) whose message names
 * the field, e.g. `body.input: expected string, received number`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params' | 'headers'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  return failInput(issuesFromZod(result.error.issues, where));
}

/**
 * The `:id` path parameter, checked without zod: the same rule and the same 400 as
 * `sessionParamsSchema`, at a fraction of the cost on the hottest routes.
 */
export function parseSessionId(id: string | undefined): string {
  if (id !== undefined && sessionIdPattern.test(id)) return id;
  return failInput([{ path: 'params.id', message: sessionIdMessage }]);
}

/** INVALID_INPUT whose message starts with the first bad field (at most five, on one line). */
function failInput(issues: ValidationIssue[], extra: { maxDepth?: number } = {}): never {
  throw new AgentboxError('INVALID_INPUT', formatIssues(issues, { limit: 5 }), { details: { issues, ...extra } });
}

/**
 * How deeply a request body may nest (the body itself is level 1). Real requests stay under
 * 10 (a chat message with tool calls is 6); past it, schema validation, the session copy and
 * SQLite's `json_valid` (1,000 levels) recurse into the body and fail with a stack overflow
 * or a store error instead of a 400.
 */
export const maxBodyDepth = 64;

/** `application/json`, with or without parameters such as `charset`. */
export function isJsonContentType(type: string): boolean {
  return /^application\/json\s*(;|$)/i.test(type.trim());
}

/**
 * The 415 for a body that is not declared JSON. Why it matters: a browser sends a
 * `text/plain` or form body cross-site without asking first (no CORS preflight), while a
 * cross-origin `application/json` request needs the service's consent.
 */
export function unsupportedMediaType(type: string | undefined): AgentboxError {
  const got = type === undefined ? 'no Content-Type' : `Content-Type ${JSON.stringify(type.slice(0, 100))}`;
  return new AgentboxError('UNSUPPORTED_MEDIA_TYPE', `request bodies must be JSON: send Content-Type: application/json (got ${got})`, {
    details: { expected: 'application/json', ...(type !== undefined ? { received: type.slice(0, 100) } : {}) },
  });
}

/**
 * Reads a JSON body: an empty body is `{}`; a non-empty one must be sent as
 * `application/json` (415 otherwise); malformed JSON, or nesting deeper than
 * `maxBodyDepth`, is a 400 naming the field.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type') ?? undefined;
  if (type !== undefined && !isJsonContentType(type)) throw unsupportedMediaType(type);
  const text = await request.text();
  if (text.trim() === '') return {};
  if (type === undefined) throw unsupportedMediaType(type);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return failInput([{ path: 'body', message: 'not valid JSON' }]);
  }
  // JSON.parse itself does not recurse (a million levels parse); everything after it does.
  const path = tooDeep(value, maxBodyDepth);
  if (path) {
    // The top-level field, not the whole path: that can be thousands of keys long.
    const field = ['body', ...path.slice(0, 1).map(String)].join('.');
    return failInput([{ path: field, message: `nested more than ${maxBodyDepth} levels deep` }], { maxDepth: maxBodyDepth });
  }
  return value;
}
