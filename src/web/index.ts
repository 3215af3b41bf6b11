/**
 * agentbox/web — the browser side: an IndexedDB session store, `WebRuntime` (the runtime
 * in a Web Worker behind a typed message bridge), a WASM host whose jobs run in terminable
 * workers, and a client for an `agentbox serve` backend. Browser-only code lives here.
 */
export * from './store/indexed-db-session-store.js';
export * from './worker/web-runtime.js';
export * from './worker/web-runtime-config.js';
export * from './worker/runtime-bridge.js';
export * from './worker/expose-runtime.js';
export * from './wasm/browser-wasm-host.js';
export * from './worker/create-worker-runtime.js';
export * from './client/agentbox-client.js';
