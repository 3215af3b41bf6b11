import type { LanguageModel } from '../agent/llm/language-model.js';
import type { AnyTool } from '../agent/tools/tool.js';
import type { ToolSource } from '../agent/tools/tool-source.js';
import { createAuthorizer, type Authorizer } from '../auth/authorizer.js';
import { createToolCallAuthorizer } from '../auth/create-tool-call-authorizer.js';
import type { AgentboxConfig } from '../config/config-schema.js';
import type { SessionStore } from '../store/session-store.js';
import type { RuntimeOptions } from './base-runtime.js';
import { createModelFromConfig, type UnconfiguredLlm } from './create-model-from-config.js';
import { requireApproval, selectBuiltinTools } from './select-tools.js';

/** What only the platform can provide; everything else comes from the config. */
export interface PlatformParts {
  /** The session store the platform opened for `config.store`. */
  store: SessionStore;
  /** Tools the platform built from the config's tool sources (WASM, scripts, files, HTTP). */
  configuredTools?: readonly AnyTool[];
  /** Sources the platform connected for `tools.mcp.servers` (their tools come and go). */
  toolSources?: readonly ToolSource[];
  /** See `UnconfiguredLlm`; default: try the local Ollama. */
  unconfiguredLlm?: UnconfiguredLlm;
  /** Process CPU time in ms, where the platform can measure it. */
  cpuTime?: () => number;
}

/** Overrides a library user may pass beside the config. */
export interface RuntimeOverrides extends Partial<Omit<RuntimeOptions, 'store' | 'model' | 'tools'>> {
  model?: LanguageModel;
  /** Replaces the built-in and configured tools. */
  tools?: readonly AnyTool[];
  /** Added to the tool set. */
  extraTools?: readonly AnyTool[];
}

export interface ConfiguredRuntime {
  options: RuntimeOptions;
  authorizer: Authorizer;
}

/**
 * The one wiring from a validated config to runtime options, for Node, the Web Worker and
 * the service alike: RBAC for every tool call, the built-ins `agent.tools` names plus the
 * platform's configured tools, `tools.requireApproval`, the model, the agent's limits.
 *
 * @example
 * const { options } = runtimeOptionsFromConfig(configSchema.parse(input), { store: new MemorySessionStore() });
 * const runtime = new BaseRuntime(options);
 */
export function runtimeOptionsFromConfig(config: AgentboxConfig, parts: PlatformParts, overrides: RuntimeOverrides = {}): ConfiguredRuntime {
  const { model, tools, extraTools, ...rest } = overrides;
  const authorizer = createAuthorizer(config.auth);
  const chosen = [...(tools ?? [...selectBuiltinTools(config.agent.tools), ...(parts.configuredTools ?? [])]), ...(extraTools ?? [])];
  const options: RuntimeOptions = {
    store: parts.store,
    defaultPrincipal: authorizer.config.defaultPrincipal,
    authorize: createToolCallAuthorizer(authorizer),
    model: model ?? (() => createModelFromConfig(config, parts.unconfiguredLlm)),
    // An MCP server's tools are known only once it answers: their names are left to it.
    tools: requireApproval(
      chosen,
      config.tools.requireApproval.filter((name) => !Object.keys(config.tools.mcp.servers).some((server) => name.startsWith(`${server}_`))),
    ),
    ...(parts.toolSources && !tools ? { toolSources: parts.toolSources } : {}),
    maxSteps: config.agent.maxSteps,
    contextLowWater: config.agent.context.lowWater,
    ...(config.llm.prices ? { prices: config.llm.prices } : {}),
    ...(config.agent.context.summarize !== false
      ? {
          contextSummary: {
            maxTokens: config.agent.context.summaryMaxTokens,
            ...(typeof config.agent.context.summarize === 'string' ? { model: config.agent.context.summarize } : {}),
          },
        }
      : {}),
    toolTimeoutMs: config.agent.toolTimeoutMs,
    structuredOutput: config.llm.structuredOutput,
    ...(parts.cpuTime ? { cpuTime: parts.cpuTime } : {}),
    ...(config.agent.system !== undefined ? { system: config.agent.system } : {}),
    ...(config.llm.temperature !== undefined ? { temperature: config.llm.temperature } : {}),
    ...(config.llm.maxTokens !== undefined ? { maxTokens: config.llm.maxTokens } : {}),
    ...(config.llm.contextWindow !== undefined || config.llm.maxOutputTokens !== undefined
      ? {
          limits: {
            ...(config.llm.contextWindow !== undefined ? { contextWindow: config.llm.contextWindow } : {}),
            ...(config.llm.maxOutputTokens !== undefined ? { maxOutputTokens: config.llm.maxOutputTokens } : {}),
          },
        }
      : {}),
    ...rest,
  };
  return { options, authorizer };
}
