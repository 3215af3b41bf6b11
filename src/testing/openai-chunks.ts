/** Builders for the Chat Completions wire objects the scripted server sends. */
import type { RecordedRequest, ScriptedToolCall, ScriptedUsage } from './scripted-response.js';

export interface ChunkContext {
  id: string;
  model: string;
  created: number;
  /** Distinguishes default tool call ids across turns. */
  turn: number;
}

export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** Splits into `pieces` nearly equal parts by code point, so a split never breaks a character. */
export function splitText(text: string, pieces: number): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [];
  const count = Math.max(1, Math.min(Math.floor(pieces), chars.length));
  const size = Math.ceil(chars.length / count);
  const parts: string[] = [];
  for (let start = 0; start < chars.length; start += size) parts.push(chars.slice(start, start + size).join(''));
  return parts;
}

export function toWireCalls(calls: readonly ScriptedToolCall[], turn: number): WireToolCall[] {
  return calls.map((call, index) => ({
    id: call.id ?? `call_${turn}_${index}`,
    type: 'function',
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
}

export function streamChunk(context: ChunkContext, delta: Record<string, unknown>, finishReason: string | null = null): object {
  return {
    id: context.id,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The extra last chunk `stream_options.include_usage` asks for: no choices, only usage. */
export function usageChunk(context: ChunkContext, usage: WireUsage): object {
  return { id: context.id, object: 'chat.completion.chunk', created: context.created, model: context.model, choices: [], usage };
}

/**
 * The `delta.tool_calls` arrays to stream, OpenAI style: a call's first fragment carries
 * id, type and name with empty arguments; later fragments carry only argument pieces.
 */
export function toolCallDeltas(calls: readonly WireToolCall[], pieces: number, interleave: boolean): object[][] {
  const perCall = calls.map((call, index) => [
    { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
    ...splitText(call.function.arguments, pieces).map((argumentsPiece) => ({ index, function: { arguments: argumentsPiece } })),
  ]);
  if (!interleave) return perCall.flat().map((fragment) => [fragment]);
  const rounds: object[][] = [];
  for (let round = 0; perCall.some((fragments) => round < fragments.length); round++) {
    rounds.push(perCall.flatMap((fragments) => fragments.slice(round, round + 1)));
  }
  return rounds;
}

/** Scripted counts where given, else a rough characters / 4 estimate. */
export function resolveUsage(usage: ScriptedUsage | undefined, request: RecordedRequest, answerChars: number): WireUsage {
  const prompt = usage?.promptTokens ?? Math.ceil(JSON.stringify(request.body.messages ?? []).length / 4);
  const completion = usage?.completionTokens ?? Math.max(1, Math.ceil(answerChars / 4));
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage?.totalTokens ?? prompt + completion,
    ...(usage?.cachedTokens !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cachedTokens } } : {}),
  };
}

export function completionObject(
  context: ChunkContext,
  answer: { text: string | undefined; calls: WireToolCall[]; finishReason: string; usage: WireUsage | undefined },
): object {
  return {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text ?? null,
          refusal: null,
          ...(answer.calls.length ? { tool_calls: answer.calls } : {}),
        },
        logprobs: null,
        finish_reason: answer.finishReason,
      },
    ],
    ...(answer.usage ? { usage: answer.usage } : {}),
  };
}
