/**
 * Builds the runtime the worker hosts from the page's plain-data config: the IndexedDB
 * store, the OpenAI-compatible provider on the worker's own `fetch`, the built-in tools,
 * WASM tools through the WASI layer (each job in its own terminable worker) and script
 * tools through QuickJS when this build has it.
 */
import { AgentboxError } from '../errors/agentbox-error.js';
import type { LanguageModel } from '../agent/llm/language-model.js';
import { createOpenAICompatibleModel } from '../agent/llm/openai-compatible.js';
import { builtinTools } from '../agent/tools/builtin/index.js';
import type { Tool } from '../agent/tools/tool.js';
import { BaseRuntime } from '../runtime/base-runtime.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import type { SessionStore } from '../store/session-store.js';
import { createWasmTool } from '../sandbox/wasm/create-wasm-tool.js';
import { BrowserWasmHost } from './browser-wasm-host.js';
import { IndexedDbSessionStore } from './indexed-db-session-store.js';
import { NO_LLM_MESSAGE } from './no-llm-message.js';
import type { RuntimeFactory } from './serve-runtime.js';
import type { WebRuntimeConfig, WebWasmToolConfig } from './web-runtime-config.js';

/** Loads script tools, or throws the "not available" error; injected so builds can leave QuickJS out. */
export type ScriptToolLoader = (config: NonNullable<WebRuntimeConfig['scriptTools']>) => Promise<Tool[]>;

export { NO_LLM_MESSAGE };

export const scriptToolsUnavailable: ScriptToolLoader = async () => {
  throw new AgentboxError('CONFIG_INVALID', 'script tools are not available in this build');
};

export function createWorkerRuntimeFactory(options: { loadScriptTools?: ScriptToolLoader; wasmWorkerUrl?: string | URL } = {}): RuntimeFactory {
  return async (config) => {
    const store: SessionStore = config.store?.kind === 'memory' ? new MemorySessionStore() : await IndexedDbSessionStore.open({ name: config.store?.name ?? 'agentbox' });
    const approve = new Set(config.agent?.approve ?? []);
    const host = new BrowserWasmHost(options.wasmWorkerUrl ? { workerUrl: options.wasmWorkerUrl } : {});
    const tools: Tool[] = [
      ...selectBuiltins(config.agent?.tools),
      ...(await Promise.all((config.wasmTools ?? []).map((tool) => loadWasm(tool, host)))),
      ...(config.scriptTools?.length ? await (options.loadScriptTools ?? scriptToolsUnavailable)(config.scriptTools) : []),
    ].map((tool) => (approve.has(tool.name) ? { ...tool, needsApproval: true } : tool));
    const llm = config.llm;
    const endpoint = llm?.baseUrl ? { baseUrl: llm.baseUrl, model: llm.model ?? 'gpt-4o-mini' } : undefined;
    const model: LanguageModel = endpoint
      ? createOpenAICompatibleModel({
          ...endpoint,
          ...(llm?.apiKey ? { apiKey: llm.apiKey } : {}),
          ...(llm?.timeoutMs !== undefined ? { timeoutMs: llm.timeoutMs } : {}),
          ...(llm?.maxRetries !== undefined ? { maxRetries: llm.maxRetries } : {}),
        })
      : missingModel();
    const runtime = new BaseRuntime({
      store,
      model,
      tools,
      defaultPrincipal: config.principal ?? 'browser',
      ...(config.agent?.maxSteps !== undefined ? { maxSteps: config.agent.maxSteps } : {}),
      ...(config.agent?.toolTimeoutMs !== undefined ? { toolTimeoutMs: config.agent.toolTimeoutMs } : {}),
      ...(config.agent?.system !== undefined ? { system: config.agent.system } : {}),
      ...(llm?.temperature !== undefined ? { temperature: llm.temperature } : {}),
      ...(llm?.maxTokens !== undefined ? { maxTokens: llm.maxTokens } : {}),
    });
    return {
      runtime,
      info: {
        ...(endpoint ? { llm: endpoint } : {}),
        tools: tools.map((t) => ({ name: t.name, description: t.description, needsApproval: t.needsApproval === true })),
        store: store instanceof IndexedDbSessionStore ? 'indexeddb' : 'memory',
        scriptTools: options.loadScriptTools !== undefined && options.loadScriptTools !== scriptToolsUnavailable,
      },
    };
  };
}

function selectBuiltins(names: string[] | undefined): Tool[] {
  const all = builtinTools();
  if (!names) return all;
  const unknown = names.filter((n) => !all.some((t) => t.name === n));
  if (unknown.length > 0) throw new AgentboxError('CONFIG_INVALID', `agent.tools names unknown tool(s) ${unknown.join(', ')}`);
  return all.filter((t) => names.includes(t.name));
}

async function loadWasm(config: WebWasmToolConfig, host: BrowserWasmHost): Promise<Tool> {
  let bytes = config.bytes;
  if (!bytes) {
    if (!config.url) throw new AgentboxError('CONFIG_INVALID', `wasm tool ${config.manifest.name}: give bytes or url`);
    const response = await fetch(new URL(config.url, globalThis.location?.href));
    if (!response.ok) throw new AgentboxError('WASM_LOAD_FAILED', `wasm tool ${config.manifest.name}: GET ${config.url} answered ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  const tool = createWasmTool(config.manifest, bytes, { pool: host });
  return config.needsApproval ? { ...tool, needsApproval: true } : tool;
}

/** A model that fails every turn with a message saying how to configure one (recorded as turn.failed). */
function missingModel(): LanguageModel {
  return {
    specificationVersion: 'v1',
    provider: 'none',
    modelId: 'none',
    async *stream() {
      throw new AgentboxError('CONFIG_INVALID', NO_LLM_MESSAGE);
    },
  };
}
