import type { FinishReason } from '../../engine/events.js';

/**
 * Normalizes a wire `finish_reason`. Some servers (older Ollama, some llama.cpp builds) say
 * `stop` even when they produced tool calls; the caller passes `hasToolCalls` so the loop
 * can trust `tool_calls` to mean "run the tools".
 */
export function mapFinishReason(reason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls && (reason === 'stop' || reason === 'tool_calls' || reason === 'function_call' || !reason)) {
    return 'tool_calls';
  }
  switch (reason) {
    case 'stop':
    case 'length':
    case 'content_filter':
    case 'tool_calls':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'unknown';
  }
}
