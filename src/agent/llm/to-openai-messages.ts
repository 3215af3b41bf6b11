import type { ChatMessage } from '../../engine/messages.js';
import type { ToolDefinition } from './language-model.js';
import type { OpenAIMessage, OpenAITool } from './openai-wire.js';

/** Maps our provider-neutral history to Chat Completions `messages`. */
export function toOpenAIMessages(messages: readonly ChatMessage[]): OpenAIMessage[] {
  return messages.map((message): OpenAIMessage => {
    switch (message.role) {
      case 'system':
      case 'user':
        return { role: message.role, content: message.content };
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        if (calls.length === 0) return { role: 'assistant', content: message.content };
        return {
          role: 'assistant',
          // The spec allows null content next to tool_calls; an empty string is sent as null
          // because some servers render "" as an empty turn in the prompt.
          content: message.content === '' ? null : message.content,
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
        };
      }
      case 'tool':
        // The wire format has no tool name field: the id ties the result to its call.
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    }
  });
}

/** Maps our tool definitions to Chat Completions `tools`. */
export function toOpenAITools(tools: readonly ToolDefinition[]): OpenAITool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}
