import type { AgentboxConfig } from './config-schema.js';

/** Where agentbox looks for a model when nothing is configured. */
export const OLLAMA_DEFAULT_URL = 'http://127.0.0.1:11434/v1';
export const OLLAMA_DEFAULT_MODEL = 'llama3.2';
export const OPENAI_DEFAULT_MODEL = 'gpt-4o-mini';

export interface LlmEndpoint {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** True when no endpoint was configured and the local Ollama default is used. */
  isDefault: boolean;
}

/** Picks the endpoint: configured base URL, else OpenAI when only a key is set, else local Ollama. */
export function resolveLlmEndpoint(llm: AgentboxConfig['llm']): LlmEndpoint {
  const apiKey = llm.apiKey ? { apiKey: llm.apiKey } : {};
  if (llm.baseUrl) return { baseUrl: llm.baseUrl, model: llm.model ?? OPENAI_DEFAULT_MODEL, ...apiKey, isDefault: false };
  if (llm.apiKey) return { baseUrl: 'https://api.openai.com/v1', model: llm.model ?? OPENAI_DEFAULT_MODEL, ...apiKey, isDefault: false };
  return { baseUrl: OLLAMA_DEFAULT_URL, model: llm.model ?? OLLAMA_DEFAULT_MODEL, isDefault: true };
}

/** The hint appended to LLM_UNREACHABLE when the default endpoint was tried. */
export const configureLlmHint =
  'Set OPENAI_BASE_URL (and OPENAI_API_KEY, AGENTBOX_MODEL), pass --base-url/--api-key/--model, ' +
  'or put llm.baseUrl in agentbox.config.json; or start Ollama (ollama serve) to use the local default.';
