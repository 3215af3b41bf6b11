/**
 * agentbox/test (portable) — test helpers that run anywhere, browser included: a scripted
 * in-process model, and the types of scripted LLM-server answers. In Node the same subpath
 * also exports `startScriptedLlmServer`, a real loopback OpenAI-compatible server.
 *
 * @example
 * import { createScriptedModel } from 'agentbox/test';
 * const model = createScriptedModel([{ toolCalls: [{ name: 'calculator', arguments: '{"expression":"2+2"}' }] }, { text: '4' }]);
 */
export { createScriptedModel, type ScriptedAnswer, type ScriptedModel } from './scripted-model.js';
export type {
  ScriptedResponse,
  ScriptedResponder,
  ScriptedEntry,
  ScriptedToolCall,
  ScriptedUsage,
  RecordedRequest,
  RecordedRequestBody,
} from './scripted-response.js';
