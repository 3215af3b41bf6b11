/**
 * agentbox/web — the browser side: an IndexedDB session store, `WebRuntime` (the runtime
 * in a Web Worker behind a typed message bridge), a WASM host whose jobs run in terminable
 * workers, and a client for an `agentbox serve` backend. Browser-only code lives here.
 */
export * from './indexed-db-session-store.js';
export * from './web-runtime.js';
export * from './web-runtime-config.js';
export * from './runtime-bridge.js';
export * from './serve-runtime.js';
export * from './browser-wasm-host.js';
export * from './create-worker-runtime.js';
export * from './agentbox-client.js';
