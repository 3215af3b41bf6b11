import { describe, expect, it } from 'vitest';
import type { ChatMessage } from './messages.js';
import { orphanToolResult } from './orphan-tool-result.js';

const call = (id: string): ChatMessage => ({ role: 'assistant', content: '', toolCalls: [{ id, name: 'calculator', arguments: '{}' }] });
const result = (id: string): ChatMessage => ({ role: 'tool', toolCallId: id, name: 'calculator', content: '{}' });

describe('orphanToolResult', () => {
  it('finds no orphan in a conversation: each result follows the assistant message that made its call', () => {
    const both: ChatMessage = {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'a', name: 'x', arguments: '{}' },
        { id: 'b', name: 'y', arguments: '{}' },
      ],
    };
    const history: ChatMessage[] = [
      { role: 'system', content: 's' },
      { role: 'user', content: 'q' },
      both,
      result('b'),
      result('a'),
      { role: 'assistant', content: 'done' },
    ];
    expect(orphanToolResult(history)).toBe(-1);
    expect(orphanToolResult([])).toBe(-1);
  });

  it('finds a result with no call before it (an MCP tool-call log), or whose call was in an earlier step', () => {
    expect(orphanToolResult([result('call_1'), result('call_2')])).toBe(0);
    expect(orphanToolResult([{ role: 'user', content: 'q' }, call('a'), result('a'), { role: 'user', content: 'again' }, result('a')])).toBe(4);
    expect(orphanToolResult([call('a'), result('b')])).toBe(1);
  });
});
