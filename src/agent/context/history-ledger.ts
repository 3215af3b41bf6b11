import type { ChatMessage } from '../../engine/messages.js';

/**
 * Running sums of one session's per-message token counts. A session's history only grows
 * at the end, so each request counts only the messages added since the last one and finds
 * any range's tokens as a difference of two sums: a request for a 1,000-turn session costs
 * its new messages and a binary search for the cut, not a walk over the history (see
 * bench/context.bench.js). A history that is not the one followed (another session, a prompt
 * prepended in front) is recounted from the start.
 */
export class HistoryLedger {
  /** `sums[i]`: tokens of messages `[0, i)`. */
  #sums = new Float64Array(64);
  /** Indices of user messages, where turns start (a cut there keeps every call with its result). */
  #turns = new Int32Array(16);
  #turnCount = 0;
  /** Indices of pinned messages (rare: a plain array). */
  readonly #pinned: number[] = [];
  #length = 0;
  #head = 0;
  #first: ChatMessage | undefined;
  #last: ChatMessage | undefined;
  /** Messages counted since the ledger was made (what the benchmark and the tests check). */
  counted = 0;
  /** The previous request's cut (the first history message kept after the head), so the next keeps the same prefix. */
  cut: number | undefined;

  constructor(private readonly count: (message: ChatMessage) => number) {}

  /** Brings the ledger up to `messages`, counting only what it has not seen. */
  sync(messages: readonly ChatMessage[]): this {
    const n = messages.length;
    if (n < this.#length || (this.#length > 0 && !(same(messages[0], this.#first) && same(messages[this.#length - 1], this.#last)))) this.#reset();
    for (let i = this.#length; i < n; i += 1) this.#push(messages[i] as ChatMessage);
    // The objects just compared, so the next check within a turn is an identity check.
    this.#first = messages[0];
    this.#last = messages[n - 1];
    return this;
  }

  get length(): number {
    return this.#length;
  }

  /** The leading system messages, always kept. */
  get head(): number {
    return this.#head;
  }

  /** Tokens of messages `[from, to)`. */
  sum(from: number, to: number): number {
    return (this.#sums[to] ?? 0) - (this.#sums[from] ?? 0);
  }

  /** Indices of the pinned messages in `[from, to)`. */
  pinnedIn(from: number, to: number): number[] {
    return this.#pinned.filter((i) => i >= from && i < to);
  }

  /** Tokens a cut at `cut` leaves out: messages `[head, cut)` but the pinned ones. */
  removed(cut: number): number {
    let pinned = 0;
    for (const i of this.#pinned) if (i >= this.#head && i < cut) pinned += this.sum(i, i + 1);
    return this.sum(this.#head, cut) - pinned;
  }

  /**
   * The first turn start after the head where what is kept (`total - removed`) is at most
   * `limit`, or undefined. What is kept only shrinks as the cut moves on: a binary search.
   */
  firstCutKeeping(limit: number): number | undefined {
    const total = this.sum(0, this.#length);
    let lo = this.#firstTurnAfterHead();
    let hi = this.#turnCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (total - this.removed(this.#turns[mid] as number) <= limit) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.#turnCount ? this.#turns[lo] : undefined;
  }

  /** The newest turn start after the head, or undefined (a single turn cannot be cut). */
  lastTurn(): number | undefined {
    return this.#turnCount > this.#firstTurnAfterHead() ? this.#turns[this.#turnCount - 1] : undefined;
  }

  #firstTurnAfterHead(): number {
    let lo = 0;
    let hi = this.#turnCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#turns[mid] as number) <= this.#head) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #push(message: ChatMessage): void {
    const i = this.#length;
    if (i + 1 >= this.#sums.length) this.#sums = grow(this.#sums, new Float64Array(this.#sums.length * 2));
    this.#sums[i + 1] = (this.#sums[i] as number) + this.count(message);
    this.counted += 1;
    if (i === this.#head && message.role === 'system') this.#head += 1;
    if (message.role === 'user') {
      if (this.#turnCount === this.#turns.length) this.#turns = grow(this.#turns, new Int32Array(this.#turns.length * 2));
      this.#turns[this.#turnCount] = i;
      this.#turnCount += 1;
    }
    if ((message as { pinned?: boolean }).pinned === true) this.#pinned.push(i);
    this.#length = i + 1;
  }

  #reset(): void {
    this.#length = 0;
    this.#head = 0;
    this.#turnCount = 0;
    this.#pinned.length = 0;
    this.cut = undefined;
  }
}

function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** The same message, by identity or (after a reload from the store) by value. */
function same(a: ChatMessage | undefined, b: ChatMessage | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.role !== b.role || a.content !== b.content) return false;
  if (a.role === 'tool') return b.role === 'tool' && a.toolCallId === b.toolCallId;
  if (a.role === 'assistant')
    return b.role === 'assistant' && (a.toolCalls?.length ?? 0) === (b.toolCalls?.length ?? 0) && a.toolCalls?.[0]?.id === b.toolCalls?.[0]?.id;
  return true;
}
