/**
 * agentbox/test — helpers for testing code built on agentbox: a real loopback
 * OpenAI-compatible server whose answers each test scripts.
 */
export * from './scripted-llm-server.js';
export * from '../../testing/scripted-response.js';
export * from '../../testing/scripted-model.js';
