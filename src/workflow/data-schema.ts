import { Validator } from '@cfworker/json-schema';
import { resourceUri } from './resolve-external-resources.js';
import type { SchemaDefinition } from './workflow-definition.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';
import { problem, WorkflowFault } from './workflow-problem.js';

type Draft = ConstructorParameters<typeof Validator>[1];
const drafts: Record<string, Draft> = { '': '2020-12', '2020-12': '2020-12', '2019-09': '2019-09', '7': '7', 'draft-07': '7', '4': '4', 'draft-04': '4' };

/** `json` or `json:<draft>` → the validator's draft; anything else is not a format agentbox reads. */
function draftOf(format: string | undefined): Draft | undefined {
  const [kind, version = ''] = (format ?? 'json').split(':');
  return kind === 'json' ? drafts[version] : undefined;
}

/** Validation-time checks of an `input.schema` / `output.schema` at `path` (…/input/schema). */
export function checkDataSchema(schema: unknown, path: string): WorkflowIssue[] {
  if (schema === undefined) return [];
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    return [issue('structure', path, 'a schema must be an object with `document` (or `resource`)')];
  const s = schema as SchemaDefinition;
  if (s.resource !== undefined) {
    const uri = resourceUri(s.resource);
    if (!uri || !/^https?:\/\//i.test(uri))
      return [issue('structure', `${path}/resource/endpoint`, 'a schema `resource` needs an absolute http(s) `endpoint` (fetched when the run starts)')];
  } else if (s.document === null || typeof s.document !== 'object' || Array.isArray(s.document))
    return [issue('structure', `${path}/document`, 'a schema `document` must be a JSON Schema object')];
  if (draftOf(s.format) === undefined)
    return [
      issue(
        'unsupported',
        `${path}/format`,
        `schema format ${JSON.stringify(s.format)} is not supported (agentbox reads json, json:2020-12, json:2019-09, json:draft-07, json:draft-04)`,
      ),
    ];
  return [];
}

const validators = new WeakMap<object, Validator>();

/**
 * Faults with the spec's validation error (400) when `value` does not match the schema: the
 * input of a task before `input.from`, its output after `output.as`, and the workflow's own
 * (its input is checked when the run starts, before anything is journaled).
 */
export function assertMatchesSchema(
  schema: SchemaDefinition | undefined,
  value: unknown,
  at: { instance: string; what: string },
  /** Schema resources fetched when the run started, by URI. */
  resources?: ReadonlyMap<string, Record<string, unknown>>,
): void {
  const uri = schema?.resource !== undefined ? resourceUri(schema.resource) : undefined;
  const document = uri !== undefined ? resources?.get(uri) : schema?.document;
  if (uri !== undefined && !document) {
    throw new WorkflowFault(
      problem('configuration', { title: 'schema resource missing', detail: `${uri} was not fetched when the run started`, instance: at.instance }),
    );
  }
  if (!schema || !document) return;
  let validator = validators.get(document);
  if (!validator) {
    validator = new Validator(document as ConstructorParameters<typeof Validator>[0], draftOf(schema.format) ?? '2020-12', false);
    validators.set(document, validator);
  }
  const result = validator.validate(value);
  if (result.valid) return;
  const leaves = result.errors.filter((e) => !['properties', 'allOf', 'anyOf', 'items', '$ref'].includes(e.keyword));
  const shown = (leaves.length > 0 ? leaves : result.errors).slice(0, 5);
  const detail = shown.map((e) => `${e.instanceLocation.replace(/^#/, '') || '/'}: ${e.error}`).join('; ');
  throw new WorkflowFault(problem('validation', { title: `${at.what} does not match its schema`, detail, instance: at.instance }));
}
