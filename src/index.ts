/**
 * agentbox — the portable core. Imports no `node:` module: it runs in Node, a browser
 * page and a Web Worker alike. Node-only pieces live in `agentbox/node`.
 */
export * from './errors/index.js';
export * from './engine/index.js';
export * from './agent/llm/language-model.js';
export * from './agent/tools/tool.js';
export * from './store/session-store.js';
export * from './config/config-schema.js';
export * from './agent/llm/openai-compatible.js';
