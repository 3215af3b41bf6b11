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
