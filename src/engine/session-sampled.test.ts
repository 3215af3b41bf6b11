import { describe, expect, it } from 'vitest';
import type { AgentEvent } from './events.js';
import { foldEvents } from './session.js';

const sampled = (seq: number, server: string, totalTokens: number, extra: Partial<Extract<AgentEvent, { type: 'mcp.sampled' }>> = {}): AgentEvent => ({
  type: 'mcp.sampled',
  sessionId: 's',
  seq,
  time: seq,
  step: 1,
  callId: 'c',
  server,
  model: 'm',
  messages: 1,
  maxTokens: 50,
  text: 'x',
  usage: { promptTokens: totalTokens - 1, completionTokens: 1, totalTokens },
  durationMs: 10,
  ...extra,
});

describe('folding mcp.sampled', () => {
  it('tallies tokens per server and adds each answered request to the usage once; a refusal counts nothing', () => {
    const session = foldEvents('s', [
      sampled(1, 'docs', 30, { cost: 0.5 }),
      sampled(2, 'docs', 20),
      sampled(3, 'files', 5),
      sampled(4, 'docs', 0, { usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, error: { code: 'MCP_SAMPLING_REFUSED', message: 'spent' } }),
    ]);
    expect(session.sampledTokens).toEqual({ docs: 50, files: 5 });
    expect(session.usage).toMatchObject({ promptTokens: 52, completionTokens: 3, totalTokens: 55, llmCalls: 3, llmMs: 30, cost: 0.5 });
    expect(session.messages).toEqual([]);
  });
});
