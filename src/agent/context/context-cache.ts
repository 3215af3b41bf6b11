import type { ChatMessage } from '../../engine/messages.js';
import { loadMessageCounter } from '../../prompt/tokens/count-tokens.js';
import { encodingForModel } from '../../prompt/tokens/encoding-for-model.js';
import type { ToolDefinition } from '../llm/language-model.js';
import { HistoryLedger } from './history-ledger.js';
import { SUMMARY_HEADING } from './summarize-dropped.js';

/** A model's counters, loaded once: one message's tokens (cached per message object) and a text's. */
export interface MessageCounter {
  count: (message: ChatMessage) => number;
  text: (text: string) => number;
  exact: boolean;
}

/**
 * What a runtime keeps between requests so that preparing one stays cheap: the counter of
 * each encoding, each recent session's ledger of token counts (and its last cut), and the
 * token count of each tool list (the same few lists are offered on every request). Bounded:
 * the `capacity` most recently used sessions; a forgotten one is recounted once.
 */
export class ContextCache {
  readonly #counters = new Map<string, Promise<MessageCounter>>();
  readonly #ledgers = new Map<string, HistoryLedger>();
  readonly #tools = new Map<string, number>();
  readonly #summaries = new Map<string, ChatMessage>();

  constructor(private readonly capacity = 256) {}

  counter(model: string): Promise<MessageCounter> {
    const key = encodingKey(model);
    let counter = this.#counters.get(key);
    if (!counter) {
      counter = loadMessageCounter(model);
      this.#counters.set(key, counter);
    }
    return counter;
  }

  /** The session's ledger for `model`'s encoding, made on first use. */
  ledger(sessionId: string, model: string, counter: MessageCounter): HistoryLedger {
    const key = `${encodingKey(model)}\u0000${sessionId}`;
    let ledger = this.#ledgers.get(key);
    if (ledger) this.#ledgers.delete(key);
    else ledger = new HistoryLedger(counter.count);
    this.#ledgers.set(key, ledger);
    if (this.#ledgers.size > this.capacity) this.#ledgers.delete(this.#ledgers.keys().next().value as string);
    return ledger;
  }

  /** The message a session's summary is sent as: the same object while the text is the same, so its count is cached. */
  summaryMessage(sessionId: string, text: string): ChatMessage {
    const content = `${SUMMARY_HEADING}\n${text}`;
    const known = this.#summaries.get(sessionId);
    if (known?.content === content) return known;
    const message: ChatMessage = { role: 'system', content };
    this.#summaries.delete(sessionId);
    this.#summaries.set(sessionId, message);
    if (this.#summaries.size > this.capacity) this.#summaries.delete(this.#summaries.keys().next().value as string);
    return message;
  }

  /** Tokens of `tools` as sent (by the text of their JSON: OpenAI does not publish its framing). */
  toolTokens(model: string, tools: readonly ToolDefinition[] | undefined, counter: MessageCounter): number {
    if (!tools || tools.length === 0) return 0;
    const json = JSON.stringify(tools);
    const key = `${encodingKey(model)}\u0000${json}`;
    let tokens = this.#tools.get(key);
    if (tokens === undefined) {
      tokens = counter.text(json);
      if (this.#tools.size >= 64) this.#tools.delete(this.#tools.keys().next().value as string);
      this.#tools.set(key, tokens);
    }
    return tokens;
  }
}

function encodingKey(model: string): string {
  return encodingForModel(model) ?? 'estimate';
}
