import { z } from 'zod';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { formatIssues } from '../../errors/validation-issue.js';
import type { ChatMessage, ToolCall } from '../../engine/messages.js';
import { orphanToolResult } from '../../engine/orphan-tool-result.js';

/**
 * The part of OpenAI's CreateChatCompletionRequest an agentbox agent honours. Unknown
 * fields (temperature, tools, …) are accepted and ignored, as OpenAI clients send many;
 * the agent answers with its own model settings and its own tools.
 */
const textPart = z.object({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(textPart).min(1)]);

const wireToolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content }),
  z.object({ role: z.literal('developer'), content }),
  z.object({ role: z.literal('user'), content }),
  z.object({ role: z.literal('assistant'), content: content.nullable().optional(), tool_calls: z.array(wireToolCall).optional() }),
  z.object({ role: z.literal('tool'), content, tool_call_id: z.string().min(1) }),
]);

export const chatCompletionRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  /** One choice only: an agent run is not sampled n times. */
  n: z.literal(1).nullable().optional(),
});

export type ChatCompletionRequest = z.output<typeof chatCompletionRequestSchema>;
type WireMessage = ChatCompletionRequest['messages'][number];

export interface Conversation {
  /** System and developer messages, joined. */
  system: string | undefined;
  /** Everything before the last message, in agentbox's shape. */
  history: ChatMessage[];
  /** The last message: the user input of the turn. */
  input: string;
}

const textOf = (value: string | Array<{ text: string }> | null | undefined): string =>
  typeof value === 'string' ? value : (value ?? []).map((p) => p.text).join('');

/** Splits the wire messages into system prompt, history and input; the last must be a user message. */
export function splitConversation(messages: readonly WireMessage[]): Conversation {
  const last = messages.at(-1);
  if (last?.role !== 'user' || textOf(last.content).trim() === '') {
    const issues = [{ path: `body.messages.${messages.length - 1}`, message: 'the last message must be a non-empty user message' }];
    throw new AgentboxError('INVALID_INPUT', formatIssues(issues), { details: { issues } });
  }
  const system: string[] = [];
  const history: ChatMessage[] = [];
  const toolNames = new Map<string, string>();
  for (const m of messages.slice(0, -1)) {
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(textOf(m.content));
        break;
      case 'user':
        history.push({ role: 'user', content: textOf(m.content) });
        break;
      case 'assistant': {
        const toolCalls: ToolCall[] = (m.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
        for (const call of toolCalls) toolNames.set(call.id, call.name);
        history.push(toolCalls.length > 0 ? { role: 'assistant', content: textOf(m.content), toolCalls } : { role: 'assistant', content: textOf(m.content) });
        break;
      }
      case 'tool':
        history.push({ role: 'tool', toolCallId: m.tool_call_id, name: toolNames.get(m.tool_call_id) ?? 'unknown', content: textOf(m.content) });
        break;
    }
  }
  // As the model endpoint would refuse it (and agentbox runs no turn on such a history).
  const orphan = history[orphanToolResult(history)];
  if (orphan?.role === 'tool') {
    const issues = [{ path: 'body.messages', message: `the tool message for ${orphan.toolCallId} answers no tool call of the assistant message before it` }];
    throw new AgentboxError('INVALID_INPUT', formatIssues(issues), { details: { issues } });
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, history, input: textOf(last.content) };
}
