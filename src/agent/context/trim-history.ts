import type { ChatMessage } from '../../engine/messages.js';
import { HistoryLedger } from './history-ledger.js';

export interface TrimmedHistory {
  messages: ChatMessage[];
  /** Index range `[from, to)` of the session's history left out of the request (empty when nothing was). */
  dropped: { from: number; to: number; messages: number; tokens: number };
  /** Tokens of the messages kept (without the 3 priming the reply). */
  keptTokens: number;
}

export interface TrimOptions {
  budget: number;
  lowWater: number;
  /** The previous request's cut: reused while what follows it still fits. */
  previousCut?: number;
}

/**
 * The request's history under `budget` tokens: the leading system messages and pinned
 * messages always kept, then the most recent turns that fit. A turn starts at a user message
 * (a tool result is never one), so a cut there never separates a tool call from its result.
 * Whole turns are dropped from the oldest down to `lowWater` × budget, not one a request, so
 * the request's prefix stays the same for many turns (prompt caching). `count` gives one
 * message's tokens. This form counts the whole history each call; a session's requests go
 * through `trimWithLedger`, which counts only what is new.
 */
export function trimHistory(messages: readonly ChatMessage[], options: TrimOptions & { count: (message: ChatMessage) => number }): TrimmedHistory {
  return trimWithLedger(messages, new HistoryLedger(options.count).sync(messages), options);
}

/** `trimHistory` over a ledger already synced to `messages`: sums and a binary search, no walk over the history. */
export function trimWithLedger(messages: readonly ChatMessage[], ledger: HistoryLedger, options: TrimOptions): TrimmedHistory {
  const { budget } = options;
  const n = messages.length;
  const head = ledger.head;
  const total = ledger.sum(0, n);
  if (total <= budget) return { messages: [...messages], dropped: { from: head, to: head, messages: 0, tokens: 0 }, keptTokens: total };
  // The previous request's cut, while what follows it still fits: the same prefix again.
  const previous = options.previousCut;
  if (previous !== undefined && previous > head && previous < n && messages[previous]?.role === 'user') {
    if (total - ledger.removed(previous) <= budget) return cutAt(messages, ledger, previous);
  }
  // Down to the low-water mark; if that cannot be reached while keeping the newest turn, where
  // it first fits; if nothing fits, the newest turn alone (the pre-flight count refuses it).
  const cut = ledger.firstCutKeeping(Math.floor(budget * options.lowWater)) ?? ledger.firstCutKeeping(budget) ?? ledger.lastTurn() ?? head;
  return cutAt(messages, ledger, cut);
}

function cutAt(messages: readonly ChatMessage[], ledger: HistoryLedger, cut: number): TrimmedHistory {
  const head = ledger.head;
  const pinned = ledger.pinnedIn(head, cut);
  const removed = ledger.removed(cut);
  return {
    messages: [...messages.slice(0, head), ...pinned.map((i) => messages[i] as ChatMessage), ...messages.slice(cut)],
    dropped: { from: head, to: cut, messages: cut - head - pinned.length, tokens: removed },
    keptTokens: ledger.sum(0, messages.length) - removed,
  };
}
