import { Validator } from '@cfworker/json-schema';
import type { ValidationIssue } from '../errors/validation-issue.js';

type Schema = ConstructorParameters<typeof Validator>[0];

// A schema object is compiled once; prompt files and output schemas are reused across turns.
const validators = new WeakMap<object, Validator>();

/** Wrappers that only say "a child failed": the child's own error is the one that names the field. */
const wrapperKeywords = new Set(['properties', 'items', 'prefixItems', 'allOf', 'anyOf', 'oneOf', '$ref', 'additionalProperties', 'unevaluatedProperties']);

/**
 * Validates `value` against a JSON Schema and returns issues whose path names the field
 * (`customer.email`, `items.2`); empty when it matches. Failures are data: the caller
 * decides whether that is INVALID_INPUT (a prompt's input) or OUTPUT_INVALID (a model's answer).
 */
export function validateJson(schema: Record<string, unknown>, value: unknown): ValidationIssue[] {
  let validator = validators.get(schema);
  if (!validator) {
    validator = new Validator(schema as Schema, '2020-12', false);
    validators.set(schema, validator);
  }
  const result = validator.validate(value);
  if (result.valid) return [];
  const leaves = result.errors.filter((e) => !wrapperKeywords.has(e.keyword));
  const shown = leaves.length > 0 ? leaves : result.errors;
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of shown) {
    const { path, message } = describe(error.keyword, pointerToPath(error.instanceLocation), error.error);
    const key = `${path}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message });
  }
  return issues;
}

/** `#/a/0/b` → `a.0.b` (our dotted paths), unescaping JSON Pointer's `~1` and `~0`. */
function pointerToPath(pointer: string): string {
  const body = pointer.replace(/^#\/?/, '');
  if (body === '') return '';
  return body
    .split('/')
    .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/**
 * The issue a person reads: a missing property is named by its own path (the validator puts
 * it on the parent), and a property the schema forbids says so rather than "False boolean schema".
 */
function describe(keyword: string, path: string, error: string): ValidationIssue {
  if (keyword === 'required') {
    const name = /"([^"]+)"/.exec(error)?.[1];
    if (name !== undefined) return { path: path ? `${path}.${name}` : name, message: 'is required' };
  }
  if (keyword === 'false') return { path, message: 'is not allowed here' };
  return { path, message: error.replace(/^Instance /, '') };
}
