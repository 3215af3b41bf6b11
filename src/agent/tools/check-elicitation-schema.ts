import { z } from 'zod';
import { issuesFromZod, type ValidationIssue } from '../../errors/validation-issue.js';
import type { ElicitationSchema } from '../../engine/elicitation.js';
import { elicitationLimits } from './check-elicitation-answer.js';

const text = z.string().max(elicitationLimits.textChars);
const option = z.string().max(elicitationLimits.optionChars);
const options = z.array(option).min(1).max(elicitationLimits.options);
const titled = z
  .array(z.strictObject({ const: option, title: option }))
  .min(1)
  .max(elicitationLimits.options);
const count = z.number().int().nonnegative();
const labels = { title: text.optional(), description: text.optional() };

const booleanField = z.strictObject({ type: z.literal('boolean'), ...labels, default: z.boolean().optional() });
const stringField = z.strictObject({
  type: z.literal('string'),
  ...labels,
  minLength: count.optional(),
  maxLength: count.optional(),
  format: z.enum(['email', 'uri', 'date', 'date-time']).optional(),
  default: text.optional(),
});
const numberField = z.strictObject({
  type: z.enum(['number', 'integer']),
  ...labels,
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  default: z.number().optional(),
});
const enumField = z.strictObject({ type: z.literal('string'), ...labels, enum: options, enumNames: options.optional(), default: option.optional() });
const oneOfField = z.strictObject({ type: z.literal('string'), ...labels, oneOf: titled, default: option.optional() });
const multiField = z.strictObject({
  type: z.literal('array'),
  ...labels,
  minItems: count.optional(),
  maxItems: count.optional(),
  items: z.union([z.strictObject({ type: z.literal('string'), enum: options }), z.strictObject({ anyOf: titled })]),
  default: z.array(option).max(elicitationLimits.options).optional(),
});

/** The field schema its keys say it is, so a mistake is reported against that shape, not "no union member matched". */
function fieldSchemaFor(field: unknown): z.ZodType {
  const f = (typeof field === 'object' && field !== null ? field : {}) as Record<string, unknown>;
  if (f.type === 'boolean') return booleanField;
  if (f.type === 'number' || f.type === 'integer') return numberField;
  if (f.type === 'array') return multiField;
  if (f.type === 'string') return 'enum' in f ? enumField : 'oneOf' in f ? oneOfField : stringField;
  return z.object({ type: z.enum(['string', 'number', 'integer', 'boolean', 'array'], 'must be string, number, integer, boolean or array (of enum choices)') });
}

const topSchema = z.strictObject({
  $schema: z.string().max(elicitationLimits.optionChars).optional(),
  type: z.literal('object'),
  properties: z
    .record(z.string().min(1).max(elicitationLimits.nameChars), z.unknown())
    .refine((p) => Object.keys(p).length <= elicitationLimits.fields, `at most ${elicitationLimits.fields} fields`),
  required: z.array(z.string().max(elicitationLimits.nameChars)).max(elicitationLimits.fields).optional(),
});

export type SchemaCheck = { ok: true; schema: ElicitationSchema } | { ok: false; issues: ValidationIssue[] };

/**
 * Whether a requested form is one MCP allows (top-level primitive and enum fields only, no
 * nesting, no unknown keywords) within `elicitationLimits`. Returns the schema as checked.
 */
export function checkElicitationSchema(value: unknown): SchemaCheck {
  const top = topSchema.safeParse(value);
  if (!top.success) return { ok: false, issues: issuesFromZod(top.error.issues, 'requestedSchema') };
  const issues: ValidationIssue[] = [];
  for (const [name, field] of Object.entries(top.data.properties)) {
    const parsed = fieldSchemaFor(field).safeParse(field);
    if (!parsed.success) issues.push(...issuesFromZod(parsed.error.issues, `requestedSchema.properties.${name}`));
  }
  for (const name of top.data.required ?? []) {
    if (!(name in top.data.properties)) issues.push({ path: 'requestedSchema.required', message: `names '${name}', which is not a field` });
  }
  if (issues.length > 0) return { ok: false, issues };
  const { $schema: _dialect, ...schema } = top.data;
  return { ok: true, schema: schema as ElicitationSchema };
}
