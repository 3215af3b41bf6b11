/**
 * Entry of `dist-web/agentbox-web.js`, the page-side library: what a page needs to run an
 * agent in a worker or talk to a service. The worker side is bundled separately.
 */
export { WebRuntime, type WebRuntimeStartOptions } from '../worker/web-runtime.js';
export type { WebRuntimeConfig, WebRuntimeInfo, WebLlmConfig, WebWasmToolConfig, WebScriptToolConfig } from '../worker/web-runtime-config.js';
export { IndexedDbSessionStore, type IndexedDbSessionStoreOptions } from '../store/indexed-db-session-store.js';
export { AgentboxClient, type AgentboxClientOptions } from '../client/agentbox-client.js';
export { AgentboxError } from '../../errors/agentbox-error.js';
