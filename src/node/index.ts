/**
 * agentbox/node — the Node-only pieces: the SQLite session store, config files, and other
 * adapters that need the file system or native modules. The portable core is `agentbox`.
 */
export * from './store/default-store-path.js';
export * from './store/sqlite-session-store.js';
export * from './runtime/node-runtime.js';
export * from './tools/index.js';
export * from './store/open-session-store.js';
export * from './config/config-file.js';
export * from './monitor/process-monitor.js';
export * from './wasm/index.js';
export * from './tools/load-configured-tools.js';
export * from './script/index.js';
export * from './server/start-server.js';
