/**
 * Session stores: where session event logs live. The portable core ships the interface and
 * an in-memory store; SQLite lives in `agentbox/node`, IndexedDB in `agentbox/web`.
 */
export * from './session-store.js';
export * from './memory-session-store.js';
export * from './prepare-append.js';
export * from './list-options.js';
