/**
 * agentbox/web — the browser side: `WebRuntime` (the runtime in a Web Worker behind a typed
 * message bridge with backpressure), the worker half that hosts it (`exposeRuntime`,
 * `createWorkerRuntimeFactory`), an IndexedDB session store, a WASM host whose jobs run in
 * terminable workers, and a client for an `agentbox serve` backend.
 *
 * @example
 * import { WebRuntime } from 'agentbox/web';
 * const runtime = await WebRuntime.start({
 *   workerUrl: '/assets/agentbox-worker.js',
 *   config: { llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' } },
 * });
 * const session = await runtime.process({ input: 'What is 17 * 23?' });
 */
export { WebRuntime, type WebRuntimeStartOptions } from './worker/web-runtime.js';
export type { WebRuntimeConfig, WebRuntimeInfo, WebLlmConfig, WebWasmToolConfig, WebScriptToolConfig } from './worker/web-runtime-config.js';
export { exposeRuntime, type RuntimeFactory } from './worker/expose-runtime.js';
export { createWorkerRuntimeFactory, type ScriptToolLoader } from './worker/create-worker-runtime.js';
export { IndexedDbSessionStore, type IndexedDbSessionStoreOptions } from './store/indexed-db-session-store.js';
export { IndexedDbWorkflowJournal, type IndexedDbWorkflowJournalOptions } from './store/indexed-db-workflow-journal.js';
export { BrowserWasmHost, type BrowserWasmHostOptions } from './wasm/browser-wasm-host.js';
export { WebWorkerJqBackend, type WebWorkerJqBackendOptions } from './workflow/web-worker-jq-backend.js';
export { AgentboxClient, type AgentboxClientOptions } from './client/agentbox-client.js';
