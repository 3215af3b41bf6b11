import { z } from 'zod';
import { toolsConfigSchema } from './tools-config-schema.js';
import { authConfigSchema } from '../auth/auth-config-schema.js';
import { serverConfigSchema } from './server-config-schema.js';
import { workflowConfigSchema } from './workflow-config-schema.js';

/**
 * The validated configuration. Every key has a default, so an empty file is valid.
 * Unknown keys are errors: a typo must not be silently ignored.
 */
export const llmConfigSchema = z
  .strictObject({
    /** OpenAI-compatible base URL, including `/v1`. */
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    apiKey: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(120_000),
    maxRetries: z.number().int().min(0).max(10).default(3),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    /** The model's context window in tokens; overrides the table of known models (src/agent/context/model-limits.ts). */
    contextWindow: z.number().int().min(256).optional(),
    /** Output tokens reserved out of the window; default the model's limit, at most half the window. */
    maxOutputTokens: z.number().int().positive().optional(),
    /**
     * How an output schema is asked for: `json_schema` (Structured Outputs), `json_object`
     * (JSON mode, the schema in a message) or `tool` (a forced tool call), for endpoints
     * without the stronger forms. The answer is validated whichever is used.
     */
    structuredOutput: z.enum(['json_schema', 'json_object', 'tool']).default('json_schema'),
    /**
     * Per model (its exact name), what a million tokens cost: `input`, `cachedInput` (prompt
     * tokens read from the cache; default `input`), `output`. Calls are priced in the events
     * and sessions; a model without a price has no cost.
     */
    prices: z
      .record(z.string().min(1), z.strictObject({ input: z.number().min(0), cachedInput: z.number().min(0).optional(), output: z.number().min(0) }))
      .optional(),
  })
  .prefault({});

export const promptsConfigSchema = z
  .strictObject({
    /** The prompt folder `--prompt NAME` and `prompt list` read (relative to the working directory). */
    dir: z.string().min(1).default('./prompts'),
  })
  .prefault({});

export const agentConfigSchema = z
  .strictObject({
    system: z.string().optional(),
    maxSteps: z.number().int().min(1).max(1000).default(10),
    toolTimeoutMs: z.number().int().positive().default(30_000),
    /** How a long history is fit into the context window (README "Prompts"). */
    context: z
      .strictObject({
        /** When trimming, drop whole turns until the request is at most this share of its budget (drop in large steps: the prefix stays cacheable). */
        lowWater: z.number().min(0.1).max(1).default(0.6),
        /**
         * Summarize what trimming leaves out with one model call (`true`: the session's model;
         * a string: that model), sent in its place and reused until more is dropped.
         */
        summarize: z.union([z.boolean(), z.string().min(1)]).default(false),
        /** The longest summary, in tokens (reserved out of the window when summarizing). */
        summaryMaxTokens: z.number().int().min(64).max(8_192).default(512),
      })
      .prefault({}),
    /** Built-in tools to enable; default all. */
    tools: z.array(z.string().min(1)).optional(),
  })
  .prefault({});

export const storeConfigSchema = z
  .strictObject({
    kind: z.enum(['sqlite', 'memory']).default('sqlite'),
    /** SQLite file; default `~/.agentbox/sessions.db`. */
    path: z.string().min(1).optional(),
  })
  .prefault({});

export const logConfigSchema = z
  .strictObject({
    level: z.enum(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('warn'),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    llm: llmConfigSchema,
    agent: agentConfigSchema,
    store: storeConfigSchema,
    log: logConfigSchema,
    /** Roles, principals and the default principal; see src/auth/auth-config-schema.ts. */
    auth: authConfigSchema,
    /** `agentbox serve`: host, port, hashed API keys, limits; see server-config-schema.ts. */
    server: serverConfigSchema,
    /** WASM, script, file and HTTP tools; see tools-config-schema.ts. */
    tools: toolsConfigSchema,
    /** Workflow runs: `$secrets`; see workflow-config-schema.ts. */
    workflow: workflowConfigSchema,
    /** Dotprompt files: where they are. */
    prompts: promptsConfigSchema,
  })
  .prefault({});

export type AgentboxConfig = z.output<typeof configSchema>;
/** What a user writes: everything optional. */
export type AgentboxConfigInput = z.input<typeof configSchema>;
