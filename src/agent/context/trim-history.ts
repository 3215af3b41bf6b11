import type { ChatMessage } from '../../engine/messages.js';

export interface TrimmedHistory {
  messages: ChatMessage[];
  /** Index range `[from, to)` of the session's history left out of the request (empty when nothing was). */
  dropped: { from: number; to: number; messages: number; tokens: number };
}

/**
 * The request's history under `budget` tokens: the leading system messages and pinned
 * messages always kept, then the most recent turns that fit. A turn starts at a user message
 * (a tool result is never one), so a cut there never separates a tool call from its result.
 * Whole turns are dropped from the oldest down to `lowWater` × budget, not one a request, so
 * the request's prefix stays the same for many turns (prompt caching). `count` gives one
 * message's tokens (cache it: it is called once per message).
 */
export function trimHistory(
  messages: readonly ChatMessage[],
  options: { budget: number; lowWater: number; count: (message: ChatMessage) => number; previousCut?: number },
): TrimmedHistory {
  const { budget, count } = options;
  let head = 0;
  while (head < messages.length && messages[head]?.role === 'system') head += 1;
  const tokens = messages.map(count);
  const total = tokens.reduce((a, b) => a + b, 0);
  const none = { messages: [...messages], dropped: { from: head, to: head, messages: 0, tokens: 0 } };
  if (total <= budget) return none;
  // The previous request's cut, while what follows it still fits: the same prefix again.
  const previous = options.previousCut;
  if (previous !== undefined && previous > head && messages[previous]?.role === 'user') {
    let after = 0;
    for (let i = previous; i < messages.length; i += 1) after += tokens[i] ?? 0;
    const pinnedBefore = messages.slice(head, previous).filter(isPinned);
    const pinnedTokens = pinnedBefore.reduce((sum, m) => sum + count(m), 0);
    let headTokens = 0;
    for (let i = 0; i < head; i += 1) headTokens += tokens[i] ?? 0;
    if (headTokens + pinnedTokens + after <= budget) {
      return {
        messages: [...messages.slice(0, head), ...pinnedBefore, ...messages.slice(previous)],
        dropped: { from: head, to: previous, messages: previous - head - pinnedBefore.length, tokens: total - headTokens - pinnedTokens - after },
      };
    }
  }
  const target = Math.floor(budget * options.lowWater);
  // Prefix sums of what dropping [head, i) removes (pinned messages stay wherever they are).
  let removed = 0;
  let cut = head;
  let fallback = -1;
  for (let i = head; i < messages.length; i += 1) {
    const message = messages[i] as ChatMessage;
    // A turn starts here: cutting at i keeps every call with its results.
    if (i > head && message.role === 'user') {
      cut = i;
      if (total - removed <= target) break;
      if (fallback < 0 && total - removed <= budget) fallback = i;
    }
    if (!isPinned(message)) removed += tokens[i] ?? 0;
  }
  // The low-water mark cannot be reached while keeping the newest turn: cut where it first fits.
  if (total - removedBefore(cut) > target && fallback >= 0) cut = fallback;
  const pinned = messages.slice(head, cut).filter(isPinned);
  return {
    messages: [...messages.slice(0, head), ...pinned, ...messages.slice(cut)],
    dropped: { from: head, to: cut, messages: cut - head - pinned.length, tokens: removedBefore(cut) },
  };

  function removedBefore(end: number): number {
    let sum = 0;
    for (let i = head; i < end; i += 1) if (!isPinned(messages[i] as ChatMessage)) sum += tokens[i] ?? 0;
    return sum;
  }
}

function isPinned(message: ChatMessage): boolean {
  return (message as { pinned?: boolean }).pinned === true;
}
