import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../engine/messages.js';
import { HistoryLedger } from './history-ledger.js';
import { trimHistory, trimWithLedger } from './trim-history.js';

/** System prompt, then `turns` turns of user → call → result → answer, 10 tokens a message. */
function history(turns: number): ChatMessage[] {
  const out: ChatMessage[] = [{ role: 'system', content: 'sys' }];
  for (let t = 1; t <= turns; t += 1) {
    out.push(
      { role: 'user', content: `q${t}` },
      { role: 'assistant', content: '', toolCalls: [{ id: `c${t}`, name: 'calculator', arguments: '{}' }] },
      { role: 'tool', toolCallId: `c${t}`, name: 'calculator', content: '1' },
      { role: 'assistant', content: `a${t}` },
    );
  }
  return out;
}
const count = (): number => 10;

describe('trimHistory', () => {
  it('keeps everything that fits', () => {
    const messages = history(3);
    expect(trimHistory(messages, { budget: 1_000, lowWater: 0.5, count })).toEqual({
      messages,
      dropped: { from: 1, to: 1, messages: 0, tokens: 0 },
      keptTokens: 130,
    });
  });

  it('drops whole turns from the oldest down to the low-water mark, keeping the system prompt and every call with its result', () => {
    const messages = history(10); // 410 tokens
    const trimmed = trimHistory(messages, { budget: 300, lowWater: 0.5, count });
    expect(trimmed.messages[0]).toEqual({ role: 'system', content: 'sys' });
    expect(trimmed.messages[1]).toEqual({ role: 'user', content: 'q8' });
    expect(trimmed.messages.length * 10).toBeLessThanOrEqual(150);
    expect(trimmed.dropped).toEqual({ from: 1, to: 29, messages: 28, tokens: 280 });
    const ids = new Set(trimmed.messages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []).map((c) => c.id) : [])));
    for (const m of trimmed.messages) if (m.role === 'tool') expect(ids.has(m.toolCallId)).toBe(true);
  });

  it('keeps pinned messages and the newest turn even when the low-water mark cannot be reached', () => {
    const messages = history(4);
    (messages[1] as ChatMessage & { pinned?: boolean }).pinned = true;
    const trimmed = trimHistory(messages, { budget: 70, lowWater: 0.1, count });
    expect(trimmed.messages.map((m) => m.content)).toEqual(['sys', 'q1', 'q4', '', '1', 'a4']);
    expect(trimmed.dropped).toMatchObject({ from: 1, to: 13, messages: 11 });
  });

  it('gives the same cut through a ledger that followed the session as counting the whole history afresh', () => {
    // Uneven message sizes, so the cut lands on different turns as the history grows.
    const sized = (m: ChatMessage): number => 5 + (m.content.length % 7) * 3;
    const messages = history(60);
    const ledger = new HistoryLedger(sized);
    let previousCut: number | undefined;
    for (let end = 5; end <= messages.length; end += 2) {
      const visible = messages.slice(0, end);
      const incremental = trimWithLedger(visible, ledger.sync(visible), { budget: 400, lowWater: 0.6, ...(previousCut !== undefined ? { previousCut } : {}) });
      const fresh = trimHistory(visible, { budget: 400, lowWater: 0.6, count: sized, ...(previousCut !== undefined ? { previousCut } : {}) });
      expect(incremental).toEqual(fresh);
      if (incremental.dropped.to > incremental.dropped.from) previousCut = incremental.dropped.to;
    }
    expect(previousCut).toBeGreaterThan(100);
    // Each message counted once, however many requests were prepared.
    expect(ledger.counted).toBe(messages.length);
  });
});
