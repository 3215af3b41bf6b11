import type { Message, Part } from 'dotprompt';
import type { ChatMessage } from '../engine/messages.js';
import type { ValidationIssue } from '../errors/validation-issue.js';

/** Dotprompt's roles → ours (`model` is the assistant). */
const roles = { system: 'system', user: 'user', model: 'assistant' } as const;

/**
 * Rendered Dotprompt messages as our chat messages. Text parts only: a media part or a tool
 * part written in a template has no place in our text-only history yet, so it is an issue
 * rather than something silently dropped.
 */
export function toChatMessages(messages: readonly Message[]): { messages: ChatMessage[]; issues: ValidationIssue[] } {
  const out: ChatMessage[] = [];
  const issues: ValidationIssue[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'tool') {
      issues.push({ path: `messages.${index}`, message: 'a {{role "tool"}} message is not supported in a prompt file' });
      return;
    }
    const content = message.content.map((part, partIndex) => textOf(part, `messages.${index}.content.${partIndex}`, issues)).join('');
    const trimmed = content.trim();
    // A role marker followed by only whitespace is Dotprompt's empty message: not worth sending.
    if (trimmed === '') return;
    out.push({ role: roles[message.role], content: trimmed });
  });
  return { messages: out, issues };
}

function textOf(part: Part, path: string, issues: ValidationIssue[]): string {
  if (typeof part.text === 'string') return part.text;
  if (part.media) issues.push({ path, message: 'media ({{media}}) is not supported yet: agentbox messages are text' });
  else issues.push({ path, message: 'only text can be rendered into a message' });
  return '';
}
