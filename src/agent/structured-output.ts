/**
 * Structured output: how a turn asks for an answer in a declared shape, and how it checks
 * the answer. Three ways to ask, strongest first, because endpoints differ: Structured
 * Outputs (`response_format: json_schema`, OpenAI and vLLM/llama.cpp grammars), JSON mode
 * (`json_object`, most compatible servers), or a forced tool call whose arguments are the
 * answer (servers with tools but no response formats). Whatever was asked, the answer is
 * validated here: a server that ignores the request must not slip a wrong shape through.
 */
import type { ChatMessage, ToolCall } from '../engine/messages.js';
import type { ValidationIssue } from '../errors/validation-issue.js';
import { formatIssues } from '../errors/validation-issue.js';
import { validateJson } from '../prompt/validate-json.js';
import type { ModelRequest, ToolDefinition } from './llm/language-model.js';
import type { JsonSchema } from './tools/tool.js';

export type StructuredOutputMode = 'json_schema' | 'json_object' | 'tool';

/** A declared answer shape. */
export interface OutputSpec {
  /** JSON Schema of the answer. */
  schema: JsonSchema;
  /** Names the format (and the answer tool); a-z, A-Z, 0-9, `_`, `-`, at most 64. Default `answer`. */
  name?: string;
}

/** The tool whose arguments are the answer in `tool` mode. */
export const answerToolPrefix = 'final_';

export interface OutputPlan {
  mode: StructuredOutputMode;
  schema: JsonSchema;
  name: string;
  /** In `tool` mode, the tool whose call is the answer. */
  toolName?: string;
}

export function planOutput(spec: OutputSpec, mode: StructuredOutputMode): OutputPlan {
  const name = safeName(spec.name ?? 'answer');
  return { mode, schema: spec.schema, name, ...(mode === 'tool' ? { toolName: `${answerToolPrefix}${name}`.slice(0, 64) } : {}) };
}

/**
 * The request's extra fields for the plan. In `tool` mode with no other tools the answer tool
 * is forced by name; with other tools `required` lets the model call them first and answer
 * through the answer tool last. JSON mode also gets the schema in a system message: the
 * server only guarantees JSON, and OpenAI refuses JSON mode unless a message says "JSON".
 */
export function outputRequest(
  plan: OutputPlan,
  tools: ToolDefinition[] | undefined,
  messages: ChatMessage[],
): Pick<ModelRequest, 'messages' | 'tools' | 'toolChoice' | 'responseFormat'> {
  switch (plan.mode) {
    case 'json_schema':
      return {
        messages,
        ...(tools ? { tools } : {}),
        responseFormat: { type: 'json_schema', name: plan.name, schema: plan.schema, strict: isStrictCompatible(plan.schema) },
      };
    case 'json_object':
      return {
        messages: [...messages, { role: 'system', content: `Answer with one JSON object only, matching this JSON Schema:\n${JSON.stringify(plan.schema)}` }],
        ...(tools ? { tools } : {}),
        responseFormat: { type: 'json_object' },
      };
    case 'tool': {
      const answerTool: ToolDefinition = {
        name: plan.toolName ?? plan.name,
        description: 'Give your final answer by calling this tool; its arguments are the answer.',
        parameters: plan.schema,
      };
      const all = [...(tools ?? []), answerTool];
      return { messages, tools: all, toolChoice: tools?.length ? 'required' : { name: answerTool.name } };
    }
  }
}

/** In `tool` mode, the answer tool's call (if the model made it): its arguments are the answer text. */
export function answerCall(plan: OutputPlan, calls: readonly ToolCall[]): ToolCall | undefined {
  return plan.toolName === undefined ? undefined : calls.find((call) => call.name === plan.toolName);
}

export type CheckedOutput = { ok: true; value: unknown } | { ok: false; issues: ValidationIssue[] };

/** Parses and validates an answer. A ```json fence around it is tolerated: local models add one. */
export function checkOutput(plan: OutputPlan, text: string): CheckedOutput {
  const body = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text)?.[1] ?? text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `is not JSON (${error instanceof Error ? error.message : String(error)})` }] };
  }
  const issues = validateJson(plan.schema, value);
  return issues.length === 0 ? { ok: true, value } : { ok: false, issues };
}

/** What the model is told when it gets its one more try. */
export function retryFeedback(issues: readonly ValidationIssue[]): string {
  return `${formatIssues(issues, { heading: 'Your answer does not match the required JSON Schema' })}\nAnswer again with only the corrected JSON.`;
}

/**
 * Whether OpenAI's strict mode accepts the schema: every object closed
 * (`additionalProperties: false`) with all its properties required. Picoschema's optional
 * fields are not required, so such a schema is sent with `strict: false` rather than refused.
 */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (schema === null || typeof schema !== 'object') return true;
  const s = schema as Record<string, unknown>;
  const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || s.properties !== undefined;
  if (isObject) {
    if (s.additionalProperties !== false) return false;
    const properties = Object.keys((s.properties as Record<string, unknown> | undefined) ?? {});
    const required = new Set(Array.isArray(s.required) ? (s.required as unknown[]) : []);
    if (!properties.every((p) => required.has(p))) return false;
  }
  return Object.entries(s).every(([key, value]) => key === 'enum' || key === 'const' || key === 'default' || key === 'examples' || isStrictCompatible(value));
}

function safeName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]+/g, '_').slice(0, 64);
  return cleaned === '' ? 'answer' : cleaned;
}
