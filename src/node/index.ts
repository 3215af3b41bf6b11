/**
 * agentbox/node — the Node adapters of the core's interfaces, and the runtime built from
 * them: the SQLite session store, config files, the WASM worker host, QuickJS in worker
 * threads and V8 isolates for script tools, the file tools, the process monitor and the
 * HTTP service on a socket. The portable core is `agentbox`. What a program does not use
 * is not loaded (SQLite's driver, the server, the YAML and TOML parsers).
 *
 * @example
 * import { NodeRuntime } from 'agentbox/node';
 * const runtime = await NodeRuntime.init({ llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' } });
 * const session = await runtime.process({ input: 'What is 17 * 23?' });
 * await runtime.close();
 */
export { NodeRuntime, type NodeRuntimeOverrides } from './runtime/node-runtime.js';

// Configuration files (JSON, YAML, TOML) merged with the environment and flags.
export { loadConfig, loadConfigFile, findConfigFile, configFileNames, type LoadConfigOptions, type ConfigFile } from './config/config-file.js';

// Stores.
export { openSessionStore } from './store/open-session-store.js';
export { SqliteSessionStore, type SqliteSessionStoreOptions } from './store/sqlite-session-store.js';
export { defaultStorePath } from './store/default-store-path.js';
export { SqliteWorkflowJournal } from './store/sqlite-workflow-journal.js';
export { openWorkflowJournal } from './store/open-workflow-journal.js';
export { WorkerJqBackend, createNodeJqEvaluator } from './workflow/worker-jq-backend.js';

// Prompt files: a prompt folder on disk.
export { createPromptFolder, type PromptFolder, type PromptFolderOptions } from './prompt/prompt-folder.js';

// Tools and sandboxes.
export { loadConfiguredTools, type ConfiguredTools } from './tools/load-configured-tools.js';
export { createFsTools, type FsToolsOptions } from './tools/create-fs-tools.js';
export { NodeWasmHost, type NodeWasmHostOptions, type NodeWasmHostStats } from './wasm/node-wasm-host.js';
export { NodeDirectoryAdapter, type NodeDirectoryAdapterOptions } from './wasm/node-directory-adapter.js';
export { defaultLinkRegistryDir } from './wasm/hard-link-registry.js';
export { runWasi, type RunWasiOptions } from './wasm/run-wasi.js';
export { createQuickJsWorkerSandbox, type QuickJsWorkerSandboxOptions } from './script/quickjs-worker-pool.js';
export { createIsolateSandbox, type IsolateSandboxOptions } from './script/isolate-sandbox.js';

// MCP servers as tool sources: the portable source on the SDK's Client, the stdio and HTTP transports.
export { McpToolSource, type McpToolSourceOptions } from '../mcp/mcp-tool-source.js';
export type { McpSamplingOptions } from '../mcp/mcp-sampling.js';
export { httpTransports } from '../mcp/http-transports.js';
export { stdioTransports, type StdioTransportFactory } from './mcp/stdio-transport.js';
export { loadMcpToolSources, mcpSourceOptions, type LoadMcpOptions } from './mcp/load-mcp-tool-sources.js';

// Operations.
export { ProcessMonitor, type ProcessFigures } from './monitor/process-monitor.js';
export { startServer } from './server/start-server-lazily.js';
export type { StartServerOptions, RunningServer } from './server/start-server.js';
