import { AgentboxError } from '../../errors/agentbox-error.js';
import type { ChatMessage, Usage } from '../../engine/messages.js';
import type { LanguageModel, ModelRequest } from '../llm/language-model.js';

/** A summary of history messages `[from, to)`, as the session keeps it (folded from `context.summarized`). */
export interface HistorySummary {
  from: number;
  to: number;
  text: string;
}

/** The system message a summary is sent as, right after the system prompt and pinned messages. */
export const SUMMARY_HEADING = 'Summary of the earlier conversation (left out of this request to fit the context window):';

export const SUMMARIZER_INSTRUCTIONS =
  'You summarize a conversation so that it can continue without its older messages. Keep facts, decisions, names, numbers, ' +
  'tool results that matter and open questions; drop pleasantries. Write plain text, at most a few paragraphs. Answer with the summary only.';

export interface SummarizeOptions {
  model: LanguageModel;
  /** Another model for the summary (config `agent.context.summarize: <model>`). */
  modelId?: string;
  /** The session's whole history. */
  messages: readonly ChatMessage[];
  /** The dropped range to summarize, `[from, to)`. */
  from: number;
  to: number;
  /** The session's summary so far: folded in rather than re-read when it covers the start of the range. */
  previous?: HistorySummary;
  maxTokens: number;
  /** Tokens the summarizing request may take (the window less its answer); the oldest lines give way beyond it. */
  budget: number;
  countText: (text: string) => number;
  signal?: AbortSignal;
}

export interface SummarizeResult extends HistorySummary {
  /** Dropped messages left out of the summary's own request for length (the oldest). */
  omittedMessages: number;
  usage?: Usage;
  model: string;
  durationMs: number;
}

/**
 * One model call that summarizes what the context policy dropped: the previous summary (when
 * it covers the range's start) plus the messages dropped since, as a plain transcript. A
 * transcript too long for the window keeps its newest lines, and `from` says where it starts.
 */
export async function summarizeDropped(options: SummarizeOptions): Promise<SummarizeResult> {
  const { previous } = options;
  // The range always starts after the head; a previous summary covers its start up to `previous.to`.
  const reuse = previous !== undefined && previous.from === options.from && previous.to <= options.to;
  const start = reuse ? previous.to : options.from;
  const lines: string[] = [];
  for (let i = start; i < options.to; i += 1) {
    const message = options.messages[i];
    if (message && (message as { pinned?: boolean }).pinned !== true) lines.push(transcriptLine(message));
  }
  const head = reuse ? `Summary so far:\n${previous.text}\n\nConversation since:\n` : 'Conversation:\n';
  const overhead = options.countText(SUMMARIZER_INSTRUCTIONS) + options.countText(head) + 16;
  let tokens = lines.reduce((n, line) => n + options.countText(line) + 1, overhead);
  let first = 0;
  while (tokens > options.budget && first < lines.length) {
    tokens -= options.countText(lines[first] as string) + 1;
    first += 1;
  }
  if (tokens > options.budget) {
    throw new AgentboxError('CONTEXT_OVERFLOW', `the summary of the dropped history does not fit the ${options.budget}-token budget of its own request`, {
      details: { tokens, exact: false, contextWindow: options.budget, reservedOutput: options.maxTokens },
    });
  }
  const request: ModelRequest = {
    messages: [
      { role: 'system', content: SUMMARIZER_INSTRUCTIONS },
      { role: 'user', content: `${head}${first > 0 ? '[older lines omitted]\n' : ''}${lines.slice(first).join('\n')}` },
    ],
    maxTokens: options.maxTokens,
    ...(options.modelId !== undefined ? { model: options.modelId } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const started = performance.now();
  let text = '';
  let usage: Usage | undefined;
  for await (const part of options.model.stream(request)) {
    if (part.type === 'text-delta') text += part.text;
    else if (part.type === 'usage') usage = part.usage;
  }
  return {
    from: options.from,
    to: options.to,
    omittedMessages: first,
    text: text.trim(),
    model: options.modelId ?? options.model.modelId,
    durationMs: performance.now() - started,
    ...(usage ? { usage } : {}),
  };
}

function transcriptLine(message: ChatMessage): string {
  switch (message.role) {
    case 'tool':
      return `tool ${message.name} returned: ${message.content}`;
    case 'assistant': {
      const calls = (message.toolCalls ?? []).map((call) => `[called ${call.name} ${call.arguments}]`).join(' ');
      return `assistant: ${[message.content, calls].filter(Boolean).join(' ')}`;
    }
    default:
      return `${message.role}: ${message.content}`;
  }
}

/**
 * `text` cut to at most `limit` tokens (a server may ignore `max_tokens`; the summary must
 * still fit the room reserved for it). Cut at a character boundary, shortened until it fits.
 */
export function clipToTokens(text: string, limit: number, countText: (text: string) => number): string {
  let clipped = text;
  let tokens = countText(clipped);
  while (tokens > limit && clipped.length > 0) {
    clipped = Array.from(clipped)
      .slice(0, Math.floor((Array.from(clipped).length * limit) / tokens) - 1)
      .join('');
    tokens = countText(clipped);
  }
  return clipped;
}
