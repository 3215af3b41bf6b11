import { createAuthorizer } from '../auth/authorizer.js';
import { createToolCallAuthorizer } from '../auth/create-tool-call-authorizer.js';
import { configSchema, type AgentboxConfig, type AgentboxConfigInput } from '../config/config-schema.js';
import { configureLlmHint, resolveLlmEndpoint } from '../config/resolve-llm-endpoint.js';
import { LlmError } from '../errors/llm-error.js';
import type { LanguageModel } from '../agent/llm/language-model.js';
import { createOpenAICompatibleModel } from '../agent/llm/openai-compatible.js';
import { builtinTools } from '../agent/tools/builtin/index.js';
import type { Tool } from '../agent/tools/tool.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import type { SessionStore } from '../store/session-store.js';
import { BaseRuntime, type RuntimeOptions } from '../runtime/base-runtime.js';
import { defaultStorePath } from './default-store-path.js';
import { ProcessMonitor } from './process-monitor.js';
import { SqliteSessionStore } from './sqlite-session-store.js';
import { loadConfiguredTools, requireApproval } from './tools/load-configured-tools.js';

export interface NodeRuntimeOverrides extends Partial<Omit<RuntimeOptions, 'store' | 'model' | 'tools'>> {
  store?: SessionStore;
  model?: LanguageModel;
  /** Replaces the configured tool set. */
  tools?: Tool[];
  /** Added to the configured tool set. */
  extraTools?: Tool[];
}

/**
 * The runtime for Node: SQLite session store (or memory), an OpenAI-compatible model, the
 * built-in tools.
 *
 * @example
 * const runtime = await NodeRuntime.init({ llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' } });
 * const session = await runtime.process({ input: 'What is 17 * 23?' });
 */
export class NodeRuntime extends BaseRuntime {
  readonly config: AgentboxConfig;
  /** Process figures (CPU, memory, event-loop delay) for `agentbox status` and metrics. */
  readonly monitor = new ProcessMonitor();

  private constructor(
    config: AgentboxConfig,
    options: RuntimeOptions,
    private readonly releaseTools: () => Promise<void>,
  ) {
    super(options);
    this.config = config;
  }

  override async close(): Promise<void> {
    this.monitor.close();
    await super.close();
    await this.releaseTools();
  }

  /** The plan's `init(config)`: validates the config and opens the store. */
  static async init(input: AgentboxConfig | AgentboxConfigInput = {}, overrides: NodeRuntimeOverrides = {}): Promise<NodeRuntime> {
    const config = configSchema.parse(input);
    const { store: storeOverride, model, tools, extraTools, ...rest } = overrides;
    const authorizer = createAuthorizer(config.auth);
    const configured = tools ? { tools: [], close: async () => undefined } : await loadConfiguredTools(config.tools);
    let selected: Tool[];
    try {
      selected = requireApproval([...(tools ?? [...selectBuiltinTools(config.agent.tools), ...configured.tools]), ...(extraTools ?? [])], config.tools.requireApproval);
    } catch (error) {
      await configured.close();
      throw error;
    }
    const store = storeOverride ?? openStore(config);
    return new NodeRuntime(config, {
      store,
      defaultPrincipal: authorizer.config.defaultPrincipal ?? 'cli',
      authorize: createToolCallAuthorizer(authorizer),
      cpuTime: processCpuMs,
      model: model ?? (() => createModel(config)),
      tools: selected,
      maxSteps: config.agent.maxSteps,
      toolTimeoutMs: config.agent.toolTimeoutMs,
      ...(config.agent.system !== undefined ? { system: config.agent.system } : {}),
      ...(config.llm.temperature !== undefined ? { temperature: config.llm.temperature } : {}),
      ...(config.llm.maxTokens !== undefined ? { maxTokens: config.llm.maxTokens } : {}),
      ...rest,
    }, configured.close);
  }
}

export function openStore(config: AgentboxConfig): SessionStore {
  if (config.store.kind === 'memory') return new MemorySessionStore();
  return SqliteSessionStore.open(config.store.path ?? defaultStorePath());
}

export function createModel(config: AgentboxConfig): LanguageModel {
  const endpoint = resolveLlmEndpoint(config.llm);
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

function selectBuiltinTools(names: string[] | undefined): Tool[] {
  const all = builtinTools();
  if (!names) return all;
  const unknown = names.filter((n) => !all.some((t) => t.name === n));
  if (unknown.length > 0) {
    const known = all.map((t) => t.name).join(', ');
    throw new AgentboxError('CONFIG_INVALID', `agent.tools names unknown tool(s) ${unknown.join(', ')}; built-in tools: ${known}`);
  }
  return all.filter((t) => names.includes(t.name));
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
