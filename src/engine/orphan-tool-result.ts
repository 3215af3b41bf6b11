import type { ChatMessage } from './messages.js';

/**
 * The index of the first tool result in `messages` that answers no call of the assistant
 * message it follows, or -1 when every result has its call. Such a history cannot be sent
 * to a model (Chat Completions refuses a `tool` message without the `tool_calls` before it):
 * it is the log of tool calls made from outside a turn (an MCP client's), not a conversation.
 */
export function orphanToolResult(messages: readonly ChatMessage[]): number {
  let calls: ReadonlySet<string> | undefined;
  for (let i = 0; i < messages.length; i += 1) {
    const message = messages[i] as ChatMessage;
    if (message.role === 'tool') {
      if (!calls?.has(message.toolCallId)) return i;
    } else {
      calls = message.role === 'assistant' && message.toolCalls?.length ? new Set(message.toolCalls.map((call) => call.id)) : undefined;
    }
  }
  return -1;
}
