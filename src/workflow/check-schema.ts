import { issue, type WorkflowIssue } from './workflow-issue.js';

/** The DSL version the official schema (from `@serverlessworkflow/sdk`) describes. */
export const schemaDslVersion = '1.0.3';

interface SchemaError {
  path: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

type SdkValidate = (typeName: string, data: unknown) => void;
let sdkValidate: Promise<SdkValidate> | undefined;

/**
 * Checks a definition against the spec's official JSON Schema (1.0.3, through the
 * `@serverlessworkflow/sdk` validator, loaded on first use: compiling the schema takes a
 * few hundred milliseconds). Any 1.0.x document is checked against the 1.0.3 schema — the
 * patch versions only added fields — so the SDK's exact-version check is not applied.
 * The schema's `oneOf` over task kinds reports every kind a task failed to be; only the
 * errors at the deepest path of each top-level task are kept, the most specific, so "unknown key `metdata`"
 * is what a user reads, not fifteen missing properties. The SDK's validator stops at the
 * first task it rejects; agentbox's own pass, which runs first, reports every task.
 */
export async function checkSchema(definition: Record<string, unknown>): Promise<WorkflowIssue[]> {
  sdkValidate ??= import('@serverlessworkflow/sdk').then((sdk) => sdk.validate as SdkValidate);
  const validate = await sdkValidate;
  const document = definition.document as Record<string, unknown>;
  const legacy = typeof document.dsl === 'string' && /^1\.0\.[0-2]$/.test(document.dsl);
  const copy = {
    ...(legacy ? (asLegacyScriptArguments(definition) as Record<string, unknown>) : definition),
    document: { ...document, dsl: schemaDslVersion },
  };
  try {
    validate('Workflow', copy);
    return [];
  } catch (error) {
    const errors = parseSdkErrors(error instanceof Error ? error.message : String(error));
    if (errors.length === 0) return [issue('schema', '', `does not match the official schema: ${String(error).slice(0, 300)}`)];
    return mostSpecific(errors).map((e) => issue('schema', e.path, describe(e)));
  }
}

/**
 * DSL 1.0.0 gave `run.script.arguments` as a key/value map (variables of the script);
 * 1.0.3 made it a list (argv). A 1.0.0–1.0.2 document's map is checked as its version
 * defined it, so it is hidden from the 1.0.3 schema.
 */
function asLegacyScriptArguments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asLegacyScriptArguments);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[key] = asLegacyScriptArguments(child);
  const script = (out.run as { script?: Record<string, unknown> } | undefined)?.script;
  if (script && script.arguments !== null && typeof script.arguments === 'object' && !Array.isArray(script.arguments)) {
    out.run = { ...(out.run as object), script: { ...script, arguments: [] } };
  }
  return out;
}

/** The SDK reports ajv's errors as lines `- instancePath | schemaPath | message | params`. */
function parseSdkErrors(text: string): SchemaError[] {
  const errors: SchemaError[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('- ')) continue;
    const [path, schemaPath, message, params] = line.slice(2).split(' | ');
    if (path === undefined || schemaPath === undefined || message === undefined) continue;
    let parsed: Record<string, unknown> = {};
    try {
      parsed = params ? (JSON.parse(params) as Record<string, unknown>) : {};
    } catch {
      // a message with ' | ' in it: keep what was read
    }
    errors.push({ path: path.trim(), keyword: schemaPath.split('/').at(-1) ?? '', message: message.trim(), params: parsed });
  }
  return errors;
}

const specificity = [
  'unevaluatedProperties',
  'additionalProperties',
  'enum',
  'const',
  'type',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'minItems',
  'minProperties',
];

const discriminators = new Set(['const', 'not', 'oneOf', 'anyOf']);

/** Per top-level task (or document field), the most specific error at the deepest path. */
function mostSpecific(errors: SchemaError[]): SchemaError[] {
  const groups = new Map<string, SchemaError[]>();
  for (const e of errors) {
    const key = e.path.split('/').slice(0, 4).join('/');
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()].flatMap(deepestOf);
}

function deepestOf(errors: SchemaError[]): SchemaError[] {
  const depth = (e: SchemaError) => (e.path === '' ? 0 : e.path.split('/').length);
  const deepest = Math.max(...errors.map(depth));
  const atDeepest = errors.filter((e) => depth(e) === deepest);
  const byPath = new Map<string, SchemaError[]>();
  for (const e of atDeepest) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
  // A `const` (or `not`) alone is a discriminator of a oneOf branch this task is not (`call: http` when
  // it is `call: mcp`): noise when another path says what is wrong with the branch it is.
  const groups = [...byPath.values()];
  const meaningful = groups.length > 1 ? groups.filter((g) => !g.every((e) => discriminators.has(e.keyword))) : groups;
  return (meaningful.length > 0 ? meaningful : groups).map((group) => {
    const ranked = group.filter((e) => specificity.includes(e.keyword));
    ranked.sort((a, b) => specificity.indexOf(a.keyword) - specificity.indexOf(b.keyword));
    const required = group.filter((e) => e.keyword === 'required');
    if (ranked[0]) return ranked[0];
    if (required.length === 1 && required[0]) return required[0];
    return group.find((e) => e.keyword === 'oneOf') ?? (group[0] as SchemaError);
  });
}

function describe(error: SchemaError): string {
  const unknown = error.params.unevaluatedProperty ?? error.params.additionalProperty;
  if (typeof unknown === 'string')
    return `unknown field \`${unknown}\` (the official schema allows no other keys here; agentbox's own settings go under \`metadata\`)`;
  if (Array.isArray(error.params.allowedValues)) return `${error.message}: ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'oneOf') return 'matches none of the forms the official schema allows here';
  return error.message;
}
