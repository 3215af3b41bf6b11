import type { LanguageModel, ModelRequest, StreamPart } from '../agent/llm/language-model.js';
import type { ToolCall, Usage } from '../engine/messages.js';

/** One scripted model answer: text (streamed in chunks), tool calls, or a thrown error. */
export type ScriptedAnswer =
  | { text: string; chunks?: number; usage?: Usage }
  | { toolCalls: Array<Omit<ToolCall, 'id'> & { id?: string }>; text?: string; usage?: Usage }
  | { error: Error };

export interface ScriptedModel extends LanguageModel {
  /** Requests received, in order (messages copied at call time). */
  readonly requests: ModelRequest[];
}

/**
 * An in-process model that answers from a script, for unit tests and benchmarks that must
 * take the network out. Each `stream` call consumes the next answer.
 */
export function createScriptedModel(script: ScriptedAnswer[] | ((request: ModelRequest, index: number) => ScriptedAnswer)): ScriptedModel {
  const requests: ModelRequest[] = [];
  const next = (request: ModelRequest): ScriptedAnswer => {
    const index = requests.length - 1;
    if (typeof script === 'function') return script(request, index);
    const answer = script[index];
    if (!answer) return { error: new Error(`scripted model has no answer #${index + 1}`) };
    return answer;
  };
  return {
    specificationVersion: 'v1',
    provider: 'scripted',
    modelId: 'scripted-model',
    requests,
    async *stream(request: ModelRequest): AsyncIterable<StreamPart> {
      requests.push({ ...request, messages: request.messages.map((m) => ({ ...m })) });
      const answer = next(request);
      if ('error' in answer) throw answer.error;
      if ('toolCalls' in answer) {
        if (answer.text) yield { type: 'text-delta', text: answer.text };
        let index = 0;
        for (const call of answer.toolCalls) {
          const id = call.id ?? `call_${index}`;
          yield { type: 'tool-call-delta', index, id, name: call.name, argumentsDelta: call.arguments };
          yield { type: 'tool-call', index, call: { id, name: call.name, arguments: call.arguments } };
          index += 1;
        }
        if (answer.usage) yield { type: 'usage', usage: answer.usage };
        yield { type: 'finish', finishReason: 'tool_calls' };
        return;
      }
      const chunks = Math.max(1, answer.chunks ?? 1);
      const size = Math.ceil(answer.text.length / chunks);
      for (let i = 0; i < answer.text.length; i += size) yield { type: 'text-delta', text: answer.text.slice(i, i + size) };
      if (answer.usage) yield { type: 'usage', usage: answer.usage };
      yield { type: 'finish', finishReason: 'stop' };
    },
  };
}
