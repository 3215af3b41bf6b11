import { describe, expect, it } from 'vitest';
import { copyJson } from '../../engine/copy-json.js';
import type { ChatMessage } from '../../engine/messages.js';
import { HistoryLedger } from './history-ledger.js';

const count = (m: ChatMessage): number => m.content.length;
const turn = (t: number): ChatMessage[] => [
  { role: 'user', content: `q${t}` },
  { role: 'assistant', content: '', toolCalls: [{ id: `c${t}`, name: 'calculator', arguments: '{}' }] },
  { role: 'tool', toolCallId: `c${t}`, name: 'calculator', content: 'one' },
  { role: 'assistant', content: `answer ${t}` },
];

describe('HistoryLedger', () => {
  it('counts only the messages added since the last sync, and sums any range', () => {
    const messages: ChatMessage[] = [{ role: 'system', content: 'system' }, ...turn(1)];
    const ledger = new HistoryLedger(count).sync(messages);
    expect([ledger.length, ledger.head, ledger.counted]).toEqual([5, 1, 5]);
    messages.push(...turn(2));
    ledger.sync(messages);
    expect(ledger.counted).toBe(9);
    expect(ledger.sum(0, 9)).toBe(messages.reduce((n, m) => n + count(m), 0));
    expect(ledger.sum(5, 9)).toBe(2 + 0 + 3 + 8);
    expect(ledger.removed(5)).toBe(2 + 0 + 3 + 8);
    expect(ledger.firstCutKeeping(6 + 13)).toBe(5);
    expect(ledger.firstCutKeeping(6 + 12)).toBeUndefined();
    expect(ledger.lastTurn()).toBe(5);
  });

  it('follows the same history reloaded from the store (new objects, equal values) without recounting', () => {
    const messages: ChatMessage[] = [{ role: 'system', content: 'system' }, ...turn(1)];
    const ledger = new HistoryLedger(count).sync(messages);
    ledger.cut = 1;
    const reloaded = [...copyJson(messages), ...turn(2)];
    ledger.sync(reloaded);
    expect(ledger.counted).toBe(9);
    expect(ledger.cut).toBe(1);
  });

  it('recounts from the start a history that is not the one it followed', () => {
    const ledger = new HistoryLedger(count).sync([{ role: 'system', content: 'system' }, ...turn(1)]);
    ledger.cut = 1;
    // A prompt's messages put in front (the fold unshifts them): the first message differs.
    const other: ChatMessage[] = [{ role: 'system', content: 'another prompt' }, { role: 'system', content: 'system' }, ...turn(1)];
    ledger.sync(other);
    expect(ledger.counted).toBe(5 + 6);
    expect([ledger.head, ledger.cut]).toEqual([2, undefined]);
    expect(ledger.sum(0, 6)).toBe(other.reduce((n, m) => n + count(m), 0));
    // A shorter history, or one whose last known message changed, is recounted too.
    ledger.sync(other.slice(0, 3));
    expect(ledger.counted).toBe(11 + 3);
    ledger.sync([...other.slice(0, 2), { role: 'user', content: 'q9' }]);
    expect(ledger.counted).toBe(14 + 3);
  });

  it('keeps pinned messages out of what a cut removes', () => {
    const messages: ChatMessage[] = [{ role: 'system', content: 's' }, ...turn(1), ...turn(2)];
    (messages[1] as ChatMessage & { pinned?: boolean }).pinned = true;
    const ledger = new HistoryLedger(count).sync(messages);
    expect(ledger.pinnedIn(1, 5)).toEqual([1]);
    expect(ledger.removed(5)).toBe(0 + 3 + 8);
  });
});
