/**
 * Context windows and output limits of known models, by name prefix, so a request can be
 * counted against the window before it is sent. Only published figures are listed; config
 * `llm.contextWindow` / `llm.maxOutputTokens` override them (a local server's own setting,
 * such as Ollama's `num_ctx`, is what really bounds a local model: configure it).
 */
export interface ModelLimits {
  /** Tokens the model reads and writes in one request (prompt + answer). */
  contextWindow: number;
  /** Longest answer the model writes; reserved out of the window. */
  maxOutputTokens: number;
  /** `table`: a known model; `config`: set in config; `default`: an unknown model, the conservative default. */
  source: 'table' | 'config' | 'default';
}

/** An unknown model without config: small enough for any current chat model (and Ollama's 8K default for recent models). */
export const DEFAULT_CONTEXT_WINDOW = 8_192;
/** The output reserved for an unknown model. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 1_024;

// Longest prefix first where they overlap (`gpt-4o` before `gpt-4`, `o1-mini` before `o1`).
const table: ReadonlyArray<readonly [prefix: string, contextWindow: number, maxOutputTokens: number]> = [
  ['gpt-5', 400_000, 128_000],
  ['gpt-4.1', 1_047_576, 32_768],
  ['gpt-4o', 128_000, 16_384],
  ['chatgpt-4o', 128_000, 16_384],
  ['gpt-4-turbo', 128_000, 4_096],
  ['gpt-4', 8_192, 8_192],
  ['gpt-3.5-turbo', 16_385, 4_096],
  ['o1-mini', 128_000, 65_536],
  ['o1', 200_000, 100_000],
  ['o3', 200_000, 100_000],
  ['o4-mini', 200_000, 100_000],
  ['claude-opus-4', 200_000, 32_000],
  ['claude-sonnet-4', 200_000, 64_000],
  ['claude-3-7-sonnet', 200_000, 64_000],
  ['claude-3-5-sonnet', 200_000, 8_192],
  ['claude-3-5-haiku', 200_000, 8_192],
  ['claude-3', 200_000, 4_096],
  ['llama3.1', 131_072, DEFAULT_MAX_OUTPUT_TOKENS * 4],
  ['llama3.2', 131_072, DEFAULT_MAX_OUTPUT_TOKENS * 4],
  ['llama3.3', 131_072, DEFAULT_MAX_OUTPUT_TOKENS * 4],
  ['qwen2.5', 32_768, 8_192],
  ['qwen3', 32_768, 8_192],
  ['mistral-nemo', 131_072, DEFAULT_MAX_OUTPUT_TOKENS * 4],
  ['mistral', 32_768, DEFAULT_MAX_OUTPUT_TOKENS * 4],
];

export interface ModelLimitOverrides {
  contextWindow?: number;
  maxOutputTokens?: number;
}

/**
 * The limits of `model` (a provider prefix such as `openai/` and Ollama tags such as
 * `:8b` are ignored): config first, then the table, then the conservative default.
 *
 * @example
 * modelLimits('gpt-4o-mini'); // { contextWindow: 128000, maxOutputTokens: 16384, source: 'table' }
 */
export function modelLimits(model: string, overrides: ModelLimitOverrides = {}): ModelLimits {
  const name = model.toLowerCase().replace(/^.*\//, '');
  const known = table.find(([prefix]) => name.startsWith(prefix));
  const contextWindow = overrides.contextWindow ?? known?.[1] ?? DEFAULT_CONTEXT_WINDOW;
  // The reserve never takes more than half the window (o1-mini publishes 65,536 of 128,000).
  const maxOutputTokens = overrides.maxOutputTokens ?? Math.min(known?.[2] ?? DEFAULT_MAX_OUTPUT_TOKENS, Math.floor(contextWindow / 2));
  const source = overrides.contextWindow !== undefined ? 'config' : known ? 'table' : 'default';
  return { contextWindow, maxOutputTokens, source };
}
