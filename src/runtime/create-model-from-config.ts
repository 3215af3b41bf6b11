import type { LanguageModel } from '../agent/llm/language-model.js';
import { createOpenAICompatibleModel } from '../agent/llm/openai-compatible.js';
import type { AgentboxConfig } from '../config/config-schema.js';
import { configureLlmHint, resolveLlmEndpoint } from '../config/resolve-llm-endpoint.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import { LlmError } from '../errors/llm-error.js';

/**
 * What to do when the config names no LLM endpoint: try the local Ollama default (the
 * command line and the service), or fail every turn with a message saying how to configure
 * one (the browser, where a loopback Ollama needs CORS set up first).
 */
export type UnconfiguredLlm = 'local-ollama' | { fail: string };

/** The model a config describes: an OpenAI-compatible endpoint. */
export function createModelFromConfig(config: AgentboxConfig, unconfigured: UnconfiguredLlm = 'local-ollama'): LanguageModel {
  const endpoint = resolveLlmEndpoint(config.llm);
  if (endpoint.isDefault && unconfigured !== 'local-ollama') return failingModel(unconfigured.fail);
  const model = createOpenAICompatibleModel({
    baseUrl: endpoint.baseUrl,
    model: endpoint.model,
    ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
    timeoutMs: config.llm.timeoutMs,
    // Nothing configured: fail fast when no local Ollama answers instead of backing off.
    maxRetries: endpoint.isDefault ? 0 : config.llm.maxRetries,
  });
  return endpoint.isDefault ? explainMissingEndpoint(model, endpoint.baseUrl) : model;
}

/** With nothing configured, "cannot reach Ollama" alone would puzzle: say what was tried and how to configure. */
function explainMissingEndpoint(model: LanguageModel, url: string): LanguageModel {
  return {
    ...model,
    specificationVersion: model.specificationVersion,
    provider: model.provider,
    modelId: model.modelId,
    async *stream(request) {
      try {
        yield* model.stream(request);
      } catch (error) {
        if (AgentboxError.isInstance(error) && error.code === 'LLM_UNREACHABLE') {
          throw new LlmError('LLM_UNREACHABLE', `no LLM endpoint is configured and no local Ollama answers at ${url}. ${configureLlmHint}`, { cause: error });
        }
        throw error;
      }
    },
  };
}

/** A model that fails every turn (recorded as turn.failed) with a message saying how to configure one. */
function failingModel(message: string): LanguageModel {
  return {
    specificationVersion: 'v1',
    provider: 'none',
    modelId: 'none',
    // biome-ignore lint/correctness/useYield: it only throws, by design
    async *stream() {
      throw new AgentboxError('CONFIG_INVALID', message);
    },
  };
}
