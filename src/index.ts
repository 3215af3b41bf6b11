/**
 * agentbox — the portable core. Imports no `node:` module: it runs in Node, a browser
 * page and a Web Worker alike. Node-only pieces live in `agentbox/node`.
 */
export * from './errors/index.js';
export * from './engine/index.js';
export * from './agent/llm/language-model.js';
export { createOpenAICompatibleModel, type OpenAICompatibleModelOptions } from './agent/llm/openai-compatible.js';
export * from './agent/tools/tool.js';
export * from './agent/tools/tool-registry.js';
export * from './agent/tools/tool-executor.js';
export * from './agent/tools/builtin/index.js';
export * from './agent/run-turn.js';
export * from './runtime/agent-runtime.js';
export * from './runtime/base-runtime.js';
export * from './store/session-store.js';
export * from './store/memory-session-store.js';
export * from './config/index.js';
export * from './config/resolve-llm-endpoint.js';
export * from './auth/index.js';
