/**
 * Validators for OpenAI's own OpenAPI document (`../shared/specs/openai-openapi.json`,
 * beside the checkout), so responses are checked against the spec rather than our reading.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@cfworker/json-schema';
import { expect } from 'vitest';

const specPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'specs', 'openai-openapi.json');

/** OpenAI's spec mixes OpenAPI 3.0 `nullable` into JSON Schema: turn it into `type: [..., 'null']`. */
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  // Examples are data, not schema (some carry `$id`s the validator would take as schema URIs).
  for (const [k, v] of Object.entries(node)) if (k !== 'example' && k !== 'examples' && k !== '$id') out[k] = normalize(v);
  if (out.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    delete out.nullable;
  }
  return out;
}

let components: unknown;

/** A validator for `#/components/schemas/<name>`. */
export function openAiValidator(name: string): Validator {
  components ??= (normalize(JSON.parse(readFileSync(specPath, 'utf8'))) as { components: unknown }).components;
  return new Validator({ $ref: `#/components/schemas/${name}`, components } as never, '2020-12', false);
}

export function expectValid(validator: Validator, value: unknown): void {
  const result = validator.validate(value);
  expect(result.errors.slice(0, 3), JSON.stringify(value)).toEqual([]);
  expect(result.valid).toBe(true);
}
