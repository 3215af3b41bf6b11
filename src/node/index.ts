/**
 * agentbox/node — the Node-only pieces: the SQLite session store, config files, and other
 * adapters that need the file system or native modules. The portable core is `agentbox`.
 */
export * from './default-store-path.js';
export * from './sqlite-session-store.js';
export * from './node-runtime.js';
export * from './tools/index.js';
export * from './open-session-store.js';
export * from './config-file.js';
export * from './process-monitor.js';
export * from './wasm/index.js';
export * from './tools/load-configured-tools.js';
export * from './script/index.js';
export * from './server/start-server.js';
