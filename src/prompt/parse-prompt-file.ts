import { picoschema } from 'dotprompt';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { issuesFromZod, type ValidationIssue } from '../errors/validation-issue.js';
import { hashText } from './hash-text.js';
import { promptInvalid } from './prompt-error.js';
import type { PromptSource } from './prompt-source.js';

/** The same split Dotprompt makes (its FRONTMATTER_AND_BODY_REGEX), so both read one file alike. */
const frontMatterAndBody = /^---\s*(?:\r\n|\r|\n)([\s\S]*?)(?:\r\n|\r|\n)---\s*(?:\r\n|\r|\n)([\s\S]*)$/;

const schemaField = z.union([z.record(z.string(), z.unknown()), z.string().min(1)]);

/**
 * Dotprompt's front matter keys. Strict: a misspelt `ouput:` must not silently drop the output
 * schema. Keys with a dot are Dotprompt's namespaced extensions and pass through.
 */
const frontMatterSchema = z
  .object({
    name: z.string().min(1).optional(),
    variant: z.string().min(1).optional(),
    version: z.string().min(1).optional(),
    description: z.string().optional(),
    model: z.string().min(1).optional(),
    tools: z.array(z.string().min(1)).optional(),
    config: z
      .object({
        temperature: z.number().min(0).max(2).optional(),
        maxOutputTokens: z.number().int().positive().optional(),
      })
      .catchall(z.unknown())
      .optional(),
    input: z.strictObject({ schema: schemaField.optional(), default: z.record(z.string(), z.unknown()).optional() }).optional(),
    output: z.strictObject({ schema: schemaField.optional(), format: z.enum(['json', 'text']).optional() }).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .catchall(z.unknown())
  .superRefine((value, context) => {
    for (const key of Object.keys(value)) {
      if (!known.has(key) && !key.includes('.'))
        context.addIssue({ code: 'custom', path: [key], message: `unknown key (Dotprompt reads ${[...known].join(', ')})` });
    }
  });

const known = new Set(['name', 'variant', 'version', 'description', 'model', 'tools', 'config', 'input', 'output', 'metadata']);

type JsonSchemaObject = Record<string, unknown>;

/** A prompt file, read and checked: what rendering and the turn need. */
export interface PromptFile {
  file: string;
  /** SHA-256 of the file's text: which version of the prompt produced a session. */
  hash: string;
  source: string;
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** Tool names the prompt allows; absent: the runtime's tools. */
  tools?: string[];
  /** JSON Schema of the input (Picoschema converted). */
  inputSchema?: JsonSchemaObject;
  inputDefault?: Record<string, unknown>;
  /** JSON Schema of the answer: set, the turn asks for and validates structured output. */
  outputSchema?: JsonSchemaObject;
}

/**
 * Reads a prompt file's front matter with errors that name the key. Dotprompt's own parser
 * logs a YAML error and renders the whole file as the template; a prompt that silently lost
 * its schema would be worse than one that fails, so the front matter is checked here first.
 */
export async function parsePromptFile(prompt: PromptSource): Promise<PromptFile> {
  const { file, source } = prompt;
  const match = frontMatterAndBody.exec(source);
  const base: PromptFile = { file, source, hash: await hashText(source) };
  if (!match) {
    if (/^---\s*(?:\r\n|\r|\n)/.test(source)) throw promptInvalid(file, [{ path: '(front matter)', message: 'starts with --- but has no closing --- line' }]);
    return base;
  }
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? '');
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line + 1}, column ${error.linePos[0].col})` : '';
    // The parser's own position counts from the front matter; ours (above) counts from the file.
    const reason = (error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)).replace(/ at line \d+, column \d+:?$/, '');
    throw promptInvalid(file, [{ path: '(front matter)', message: `is not valid YAML${where}: ${reason}` }], error);
  }
  if (data === null || data === undefined) return base;
  const parsed = frontMatterSchema.safeParse(data);
  if (!parsed.success) throw promptInvalid(file, issuesFromZod(parsed.error.issues));
  const front = parsed.data;
  const inputSchema = await toJsonSchema(file, 'input.schema', front.input?.schema);
  const outputSchema = await toJsonSchema(file, 'output.schema', front.output?.schema);
  return {
    ...base,
    ...(front.model ? { model: front.model } : {}),
    ...(front.config?.temperature !== undefined ? { temperature: front.config.temperature } : {}),
    ...(front.config?.maxOutputTokens !== undefined ? { maxTokens: front.config.maxOutputTokens } : {}),
    ...(front.tools ? { tools: front.tools } : {}),
    ...(inputSchema ? { inputSchema } : {}),
    ...(front.input?.default ? { inputDefault: front.input.default } : {}),
    ...(outputSchema ? { outputSchema } : {}),
  };
}

/** Picoschema or JSON Schema → JSON Schema, with Dotprompt's own converter (it tells the two apart). */
async function toJsonSchema(file: string, path: string, schema: unknown): Promise<JsonSchemaObject | undefined> {
  if (schema === undefined) return undefined;
  let converted: unknown;
  try {
    converted = await picoschema(schema);
  } catch (error) {
    throw promptInvalid(file, [{ path, message: error instanceof Error ? error.message : String(error) }], error);
  }
  if (converted === null || typeof converted !== 'object' || Array.isArray(converted)) {
    const issue: ValidationIssue = { path, message: 'must describe an object (Picoschema fields or a JSON Schema)' };
    throw promptInvalid(file, [issue]);
  }
  return converted as JsonSchemaObject;
}
