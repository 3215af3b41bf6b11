import { LlmError } from '../../errors/index.js';
import type { Redact } from './create-redactor.js';
import type { StreamPart } from './language-model.js';
import { mapFinishReason } from './map-finish-reason.js';
import type { OpenAICompletion } from './openai-wire.js';
import { ToolCallAssembler } from './tool-call-assembler.js';
import { toUsage } from './to-usage.js';

/**
 * Normalizes a whole ChatCompletion (from a server that ignored `stream: true`) into the
 * same parts a stream would have produced, so callers never see the difference.
 */
export function completionToParts(options: { text: string; url: string; redact: Redact }): StreamPart[] {
  const { text, url, redact } = options;
  let completion: OpenAICompletion;
  try {
    completion = JSON.parse(text) as OpenAICompletion;
  } catch {
    throw new LlmError('LLM_PROTOCOL', `the LLM at ${url} answered with invalid JSON: ${redact(text, 200)}`);
  }
  const choice = Array.isArray(completion?.choices) ? completion.choices.find((c) => (c.index ?? 0) === 0) : undefined;
  if (!choice?.message) {
    const error = completion?.error;
    const reason = typeof error === 'string' ? error : error?.message;
    throw new LlmError('LLM_PROTOCOL', `the LLM at ${url} answered without a message${reason ? `: ${redact(reason, 2_000)}` : ' (no choices[0].message)'}`);
  }
  const parts: StreamPart[] = [];
  if (choice.message.content) parts.push({ type: 'text-delta', text: choice.message.content });
  const assembler = new ToolCallAssembler();
  (choice.message.tool_calls ?? []).forEach((call, position) => {
    parts.push(assembler.add({ index: position, id: call.id, function: call.function }, position));
  });
  for (const { index, call } of assembler.finish()) parts.push({ type: 'tool-call', index, call });
  if (completion.usage) parts.push({ type: 'usage', usage: toUsage(completion.usage) });
  parts.push({ type: 'finish', finishReason: mapFinishReason(choice.finish_reason, assembler.size > 0) });
  return parts;
}
