/**
 * Builds the runtime the worker hosts from the page's plain-data config, through the same
 * wiring as Node (`runtimeOptionsFromConfig`): the IndexedDB store, the OpenAI-compatible
 * provider on the worker's own `fetch`, RBAC, the built-in tools,
 * WASM tools through the WASI layer (each job in its own terminable worker) and script
 * tools through QuickJS when this build has it.
 */
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { AnyTool, Tool } from '../../agent/tools/tool.js';
import { configSchema } from '../../config/config-schema.js';
import { resolveLlmEndpoint } from '../../config/resolve-llm-endpoint.js';
import { BaseRuntime } from '../../runtime/base-runtime.js';
import { createPromptRenderer } from '../../prompt/create-prompt-renderer.js';
import { runtimeOptionsFromConfig } from '../../runtime/runtime-options-from-config.js';
import { MemorySessionStore } from '../../store/memory-session-store.js';
import type { SessionStore } from '../../store/session-store.js';
import { createWasmTool } from '../../sandbox/wasm/create-wasm-tool.js';
import { BrowserWasmHost } from '../wasm/browser-wasm-host.js';
import { IndexedDbSessionStore } from '../store/indexed-db-session-store.js';
import { NO_LLM_MESSAGE } from './no-llm-message.js';
import type { RuntimeFactory } from './expose-runtime.js';
import type { WebScriptToolConfig, WebWasmToolConfig } from './web-runtime-config.js';

/** Loads script tools, or throws the "not available" error; injected so builds can leave QuickJS out. */
export type ScriptToolLoader = (config: WebScriptToolConfig[]) => Promise<AnyTool[]>;

export { NO_LLM_MESSAGE };

export const scriptToolsUnavailable: ScriptToolLoader = async () => {
  throw new AgentboxError('CONFIG_INVALID', 'script tools are not available in this build');
};

export function createWorkerRuntimeFactory(options: { loadScriptTools?: ScriptToolLoader; wasmWorkerUrl?: string | URL } = {}): RuntimeFactory {
  return async (web) => {
    // The same schema (and errors naming the key) as a Node config file.
    const config = configSchema.parse({
      llm: web.llm ?? {},
      agent: web.agent ?? {},
      auth: { defaultPrincipal: 'browser', ...web.auth },
      tools: { requireApproval: web.tools?.requireApproval ?? [] },
      store: { kind: 'memory' },
    });
    const host = new BrowserWasmHost(options.wasmWorkerUrl ? { workerUrl: options.wasmWorkerUrl } : {});
    const scripts = web.tools?.scripts ?? [];
    const configuredTools: AnyTool[] = [
      ...(await Promise.all((web.tools?.wasm ?? []).map((tool) => loadWasm(tool, host)))),
      ...(scripts.length ? await (options.loadScriptTools ?? scriptToolsUnavailable)(scripts) : []),
    ];
    const store: SessionStore =
      web.store?.kind === 'memory' ? new MemorySessionStore() : await IndexedDbSessionStore.open({ name: web.store?.name ?? 'agentbox' });
    // No prompt folder in a browser: prompts come as `prompt: { source }`.
    const { options: runtimeOptions } = runtimeOptionsFromConfig(
      config,
      { store, configuredTools, unconfiguredLlm: { fail: NO_LLM_MESSAGE } },
      { prompts: createPromptRenderer() },
    );
    const runtime = new BaseRuntime(runtimeOptions);
    const endpoint = resolveLlmEndpoint(config.llm);
    const tools = runtime.tools.list();
    return {
      runtime,
      info: {
        ...(endpoint.isDefault ? {} : { llm: { baseUrl: endpoint.baseUrl, model: endpoint.model } }),
        tools: tools.map((t) => ({ name: t.name, description: t.description, needsApproval: t.needsApproval === true })),
        store: store instanceof IndexedDbSessionStore ? 'indexeddb' : 'memory',
        scriptTools: options.loadScriptTools !== undefined && options.loadScriptTools !== scriptToolsUnavailable,
      },
    };
  };
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
