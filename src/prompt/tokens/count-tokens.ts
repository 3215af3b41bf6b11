import type { ChatMessage } from '../../engine/messages.js';
import { encodingForModel, type EncodingName } from './encoding-for-model.js';

/** A token count: exact for OpenAI-family models, else an estimate, and it says which. */
export interface TokenCount {
  tokens: number;
  /** False: estimated (about 4 characters a token), for a model whose tokenizer is unknown. */
  exact: boolean;
  encoding?: EncodingName;
}

type CountText = (text: string) => number;

// Loaded on first use, once: the o200k ranks are ~2 MB of JavaScript a page must not pay for
// until it counts. One literal import per encoding, so a bundler can split each off.
const loaded = new Map<EncodingName, Promise<CountText>>();
const loaders: Record<EncodingName, () => Promise<CountText>> = {
  o200k_base: () => import('gpt-tokenizer/encoding/o200k_base').then((m) => m.countTokens as CountText),
  cl100k_base: () => import('gpt-tokenizer/encoding/cl100k_base').then((m) => m.countTokens as CountText),
};

function counter(encoding: EncodingName): Promise<CountText> {
  let pending = loaded.get(encoding);
  if (!pending) {
    pending = loaders[encoding]();
    loaded.set(encoding, pending);
  }
  return pending;
}

/** About 4 characters a token: the usual rule for English text with BPE tokenizers. */
const estimateText: CountText = (text) => Math.ceil(text.length / 4);

/**
 * OpenAI's accounting of chat messages (the tiktoken cookbook's `num_tokens_from_messages`):
 * 3 tokens of framing a message, 1 for the role, the content, and 3 priming the reply. A tool
 * call adds its name and arguments, a tool result its id; OpenAI does not publish that
 * framing, so those parts count the text only.
 */
function countWith(count: CountText, messages: readonly ChatMessage[]): number {
  let tokens = 3;
  for (const message of messages) {
    tokens += 4 + count(message.content);
    if (message.role === 'assistant' && message.toolCalls) for (const call of message.toolCalls) tokens += count(call.name) + count(call.arguments);
    if (message.role === 'tool') tokens += count(message.toolCallId);
  }
  return tokens;
}

/**
 * Counts the tokens `messages` take in a request to `model`.
 *
 * @example
 * const { tokens, exact } = await countMessageTokens([{ role: 'user', content: 'Hello' }], { model: 'gpt-4o' });
 */
export async function countMessageTokens(messages: readonly ChatMessage[], options: { model: string }): Promise<TokenCount> {
  const encoding = encodingForModel(options.model);
  if (!encoding) return { tokens: countWith(estimateText, messages), exact: false };
  return { tokens: countWith(await counter(encoding), messages), exact: true, encoding };
}

/** Counts one text's tokens for `model` (no message framing). */
export async function countTextTokens(text: string, options: { model: string }): Promise<TokenCount> {
  const encoding = encodingForModel(options.model);
  if (!encoding) return { tokens: estimateText(text), exact: false };
  return { tokens: (await counter(encoding))(text), exact: true, encoding };
}

/**
 * One message's tokens for `model`, synchronously once loaded (the framing `countMessageTokens`
 * adds per message; the 3 priming the reply are the caller's). Counts are cached per message
 * object, so a long history is counted once, not once per request.
 */
export async function loadMessageCounter(model: string): Promise<{ count: (message: ChatMessage) => number; text: (text: string) => number; exact: boolean }> {
  const encoding = encodingForModel(model);
  const text = encoding ? await counter(encoding) : estimateText;
  const cache = new WeakMap<ChatMessage, number>();
  const count = (message: ChatMessage): number => {
    let tokens = cache.get(message);
    if (tokens === undefined) {
      tokens = countWith(text, [message]) - 3;
      cache.set(message, tokens);
    }
    return tokens;
  };
  return { count, text, exact: encoding !== undefined };
}
