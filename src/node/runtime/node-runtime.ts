import { configSchema, type AgentboxConfig, type AgentboxConfigInput } from '../../config/config-schema.js';
import type { SessionStore } from '../../store/session-store.js';
import { BaseRuntime, type RuntimeOptions } from '../../runtime/base-runtime.js';
import { runtimeOptionsFromConfig, type RuntimeOverrides } from '../../runtime/runtime-options-from-config.js';
import { openSessionStore } from '../store/open-session-store.js';
import { ProcessMonitor } from '../monitor/process-monitor.js';
import { createPromptFolder } from '../prompt/prompt-folder.js';
import { createPromptRenderer } from '../../prompt/create-prompt-renderer.js';

export interface NodeRuntimeOverrides extends RuntimeOverrides {
  store?: SessionStore;
  /** Told what goes wrong without stopping the runtime: an MCP server down or restarting. */
  onWarning?: (message: string) => void;
}

/**
 * The runtime for Node: the store `config.store` names (SQLite by default), an
 * OpenAI-compatible model, the built-in tools and the tools the config declares.
 * What a config does not use is not loaded: no SQLite for the memory store, no sandbox
 * without a sandboxed tool.
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

  /** The plan's `init(config)`: validates the config, loads its tools and opens the store. */
  static async init(input: AgentboxConfig | AgentboxConfigInput = {}, overrides: NodeRuntimeOverrides = {}): Promise<NodeRuntime> {
    const config = configSchema.parse(input);
    const { store: storeOverride, onWarning: _onWarning, ...rest } = overrides;
    const configured = rest.tools || !declaresTools(config) ? { tools: [], close: async () => undefined } : await loadTools(config);
    const mcp = rest.tools
      ? []
      : await loadMcp(config, overrides.onWarning).catch(async (error: unknown) => {
          await configured.close();
          throw error;
        });
    const release = async (): Promise<void> => {
      await Promise.allSettled([configured.close(), ...mcp.map((source) => source.close())]);
    };
    try {
      const store = storeOverride ?? (await openSessionStore(config.store));
      const prompts = rest.prompts ?? createPromptRenderer(createPromptFolder({ dir: config.prompts.dir }));
      const { options } = runtimeOptionsFromConfig(
        config,
        { store, configuredTools: configured.tools, toolSources: mcp, cpuTime: processCpuMs },
        {
          ...rest,
          prompts,
          ...(overrides.onWarning ? { onToolSkipped: (source, name, reason) => overrides.onWarning?.(`${source}: tool ${name} skipped: ${reason}`) } : {}),
        },
      );
      return new NodeRuntime(config, options, release);
    } catch (error) {
      await release();
      throw error;
    }
  }
}

function declaresTools(config: AgentboxConfig): boolean {
  const { wasm, scripts, fs, http } = config.tools;
  return wasm.length > 0 || scripts.length > 0 || fs !== undefined || http !== undefined;
}

async function loadTools(config: AgentboxConfig) {
  const { loadConfiguredTools } = await import('../tools/load-configured-tools.js');
  return loadConfiguredTools(config.tools);
}

async function loadMcp(config: AgentboxConfig, onWarning: ((message: string) => void) | undefined) {
  if (Object.keys(config.tools.mcp.servers).length === 0) return [];
  const { loadMcpToolSources } = await import('../mcp/load-mcp-tool-sources.js');
  const principal = config.auth.defaultPrincipal;
  const { createAuthorizer } = await import('../../auth/authorizer.js');
  // roots/list: the directories the connecting principal may use, nothing more.
  const granted = createAuthorizer(config.auth).grantsOf(principal).fsRoots ?? [];
  return loadMcpToolSources(config.tools.mcp, {
    roots: granted.map((root) => root.path),
    requireApproval: config.tools.requireApproval,
    // One connection per server, so one principal's OAuth grant: the default principal's.
    principal,
    defaultPrincipal: principal,
    ...(onWarning ? { onWarning } : {}),
  });
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
