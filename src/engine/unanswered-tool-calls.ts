import type { ChatMessage, ToolCall } from './messages.js';

/**
 * The calls of the history's last assistant message that no tool result answers: what a
 * process left behind when it died mid-call. A model refuses such a history (every
 * `tool_calls` entry wants its result), so an interrupted turn is closed by answering them.
 */
export function unansweredToolCalls(messages: readonly ChatMessage[]): ToolCall[] {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i] as ChatMessage;
    if (message.role === 'tool') continue;
    if (message.role !== 'assistant' || !message.toolCalls?.length) return [];
    const answered = new Set(messages.slice(i + 1).flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : [])));
    return message.toolCalls.filter((call) => !answered.has(call.id));
  }
  return [];
}
