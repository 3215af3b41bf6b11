import type { ElicitationField, ElicitationResult, ElicitationSchema, ElicitationValue } from '../../engine/elicitation.js';
import type { ValidationIssue } from '../../errors/validation-issue.js';

/**
 * The bounds of a form a server may ask for. MCP sets none; these keep a hostile server
 * from handing a person (and the session log) a form of thousands of fields or megabytes
 * of text. Real forms have a handful of fields (server-everything's demo has 13).
 * (No zod in this file: the page's bundle checks answers with it.)
 */
export const elicitationLimits = { fields: 50, nameChars: 100, textChars: 2_000, options: 100, optionChars: 500, messageChars: 10_000 } as const;

/** The values a choice field accepts. */
export function fieldChoices(field: ElicitationField): string[] | undefined {
  if (field.type === 'array') return 'enum' in field.items ? field.items.enum : field.items.anyOf.map((o) => o.const);
  if (field.type !== 'string') return undefined;
  if ('enum' in field && field.enum) return field.enum;
  if ('oneOf' in field && field.oneOf) return field.oneOf.map((o) => o.const);
  return undefined;
}

/** The labels of a choice field's values, in their order (empty: show the values themselves). */
export function fieldChoiceLabels(field: ElicitationField): string[] {
  if (field.type === 'array') return 'anyOf' in field.items ? field.items.anyOf.map((o) => o.title) : [];
  if (field.type !== 'string') return [];
  if ('oneOf' in field && field.oneOf) return field.oneOf.map((o) => o.title);
  if ('enumNames' in field && field.enumNames) return field.enumNames;
  return [];
}

/**
 * What is wrong with an answer to `schema` (none: it may be sent). Accept carries content
 * that has every required field, no other field, and each value of its field's type and
 * bounds; decline and cancel carry none.
 */
export function checkElicitationAnswer(schema: ElicitationSchema, answer: ElicitationResult): ValidationIssue[] {
  if (!['accept', 'decline', 'cancel'].includes(answer.action)) return [{ path: 'action', message: 'must be accept, decline or cancel' }];
  if (answer.action !== 'accept') {
    return answer.content === undefined ? [] : [{ path: 'content', message: `must be absent when the action is ${answer.action}` }];
  }
  // No content with accept is an empty answer: fine for a form without required fields (a URL-mode "done").
  const content = answer.content ?? {};
  if (typeof content !== 'object' || content === null || Array.isArray(content))
    return [{ path: 'content', message: 'an accepted answer needs content (an object)' }];
  const issues: ValidationIssue[] = [];
  for (const name of schema.required ?? []) {
    if (content[name] === undefined) issues.push({ path: `content.${name}`, message: 'is required' });
  }
  for (const [name, value] of Object.entries(content)) {
    const field = Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined;
    const problem = field ? valueProblem(field, value) : 'is not a field of the form';
    if (problem) issues.push({ path: `content.${name}`, message: problem });
  }
  return issues;
}

function valueProblem(field: ElicitationField, value: ElicitationValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  const choices = fieldChoices(field);
  switch (field.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a ${field.type}`;
      if (field.type === 'integer' && !Number.isInteger(value)) return 'must be an integer';
      if (field.minimum !== undefined && value < field.minimum) return `must be at least ${field.minimum}`;
      if (field.maximum !== undefined && value > field.maximum) return `must be at most ${field.maximum}`;
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return 'must be a list of choices';
      const wrong = value.find((v) => !choices?.includes(v));
      if (wrong !== undefined) return `'${wrong}' is not one of ${choices?.join(', ')}`;
      if (new Set(value).size !== value.length) return 'names a choice twice';
      if (field.minItems !== undefined && value.length < field.minItems) return `needs at least ${field.minItems} choices`;
      if (field.maxItems !== undefined && value.length > field.maxItems) return `takes at most ${field.maxItems} choices`;
      return undefined;
    }
    case 'string': {
      if (typeof value !== 'string') return 'must be text';
      if (choices) return choices.includes(value) ? undefined : `must be one of ${choices.join(', ')}`;
      const f = field as Extract<ElicitationField, { minLength?: number }>;
      if (f.minLength !== undefined && value.length < f.minLength) return `needs at least ${f.minLength} characters`;
      if (f.maxLength !== undefined && value.length > f.maxLength) return `takes at most ${f.maxLength} characters`;
      if (value.length > elicitationLimits.textChars * 50) return 'is too long';
      return f.format ? formatProblem(f.format, value) : undefined;
    }
  }
}

function formatProblem(format: 'email' | 'uri' | 'date' | 'date-time', value: string): string | undefined {
  switch (format) {
    case 'email':
      return /^[^\s@]+@[^\s@]+$/.test(value) ? undefined : 'must be an email address';
    case 'uri':
      return URL.canParse(value) ? undefined : 'must be a URI (e.g. https://example.com)';
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'must be a date, YYYY-MM-DD';
    case 'date-time':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'must be a date and time, e.g. 2026-12-03T14:30:00Z';
  }
}
