/**
 * agentbox/test in Node — the portable helpers (`createScriptedModel`) plus a real loopback
 * OpenAI-compatible server whose answers each test scripts: it speaks the wire protocol
 * (SSE, tool-call deltas, usage, errors, 429s), so the code under test runs unchanged.
 *
 * @example
 * import { startScriptedLlmServer } from 'agentbox/test';
 * const llm = await startScriptedLlmServer();
 * llm.enqueue({ type: 'text', text: 'Hello there', chunks: 3 });
 * // point the code under test at llm.url, then inspect llm.requests
 * await llm.close();
 */
export * from '../../testing/index.js';
export { startScriptedLlmServer, type ScriptedLlmServer, type ScriptedLlmServerOptions } from './scripted-llm-server.js';
