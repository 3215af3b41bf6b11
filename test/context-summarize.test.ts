/**
 * The summarizing context policy end to end against the loopback server: what trimming
 * leaves out is summarized by one model call, recorded, sent in its place and reused until
 * more is dropped.
 */
import { describe, expect, it } from 'vitest';
import { SUMMARIZER_INSTRUCTIONS, SUMMARY_HEADING } from '../src/agent/context/summarize-dropped.js';
import { createOpenAICompatibleModel } from '../src/agent/llm/openai-compatible.js';
import { calculatorTool } from '../src/agent/tools/builtin/index.js';
import { configSchema } from '../src/config/config-schema.js';
import type { AgentEvent } from '../src/engine/events.js';
import { startScriptedLlmServer } from '../src/node/testing/scripted-llm-server.js';
import { BaseRuntime } from '../src/runtime/base-runtime.js';
import { runtimeOptionsFromConfig } from '../src/runtime/runtime-options-from-config.js';
import { MemorySessionStore } from '../src/store/memory-session-store.js';

interface WireMessage {
  role: string;
  content: string | null;
  tool_call_id?: string;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
}

describe('agent.context.summarize', () => {
  it('summarizes what is dropped with one call, sends the summary in its place, and reuses it until more is dropped', async () => {
    let summaries = 0;
    const server = await startScriptedLlmServer({
      fallback: (request) => {
        const messages = request.body.messages as unknown as WireMessage[];
        if (messages[0]?.content === SUMMARIZER_INSTRUCTIONS) {
          summaries += 1;
          const asked = (messages[1]?.content ?? '').match(/Question \d+/g) ?? [];
          return { type: 'text', text: `Summary ${summaries}: the user asked ${asked.join(', ')}.` };
        }
        return messages.at(-1)?.role === 'user'
          ? { type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: `${messages.length} * 3` } }] }
          : { type: 'text', text: `Done; this request had ${messages.length} messages.` };
      },
    });
    try {
      const config = configSchema.parse({
        llm: { baseUrl: server.url, model: 'llama3.2', contextWindow: 2_048, maxOutputTokens: 256 },
        agent: { system: 'You are terse.', context: { summarize: 'summarizer-model', summaryMaxTokens: 200 } },
      });
      const model = createOpenAICompatibleModel({ baseUrl: server.url, model: 'llama3.2', maxRetries: 0 });
      const store = new MemorySessionStore();
      const rt = new BaseRuntime(runtimeOptionsFromConfig(config, { store }, { model, tools: [calculatorTool] }).options);
      let sessionId: string | undefined;
      for (let turn = 1; turn <= 120; turn += 1) {
        const session = await rt.process({ ...(sessionId ? { sessionId } : {}), input: `Question ${turn}: what is ${turn} times three?` });
        sessionId = session.id;
        expect(session.state).toBe('completed');
      }
      const events = await store.events(sessionId ?? '');
      const summarized = events.filter((e): e is Extract<AgentEvent, { type: 'context.summarized' }> => e.type === 'context.summarized');
      const trims = events.filter((e) => e.type === 'context.trimmed');
      // One summary per move of the cut, not one per trimmed request.
      expect(summarized.length).toBeGreaterThan(2);
      expect(summarized.length).toBe(summaries);
      expect(trims.length).toBeGreaterThan(summarized.length * 10);
      expect(new Set(summarized.map((e) => e.to)).size).toBe(summarized.length);
      // The server ignores max_tokens and its summaries grow: what is kept (and sent) is clipped to the room reserved.
      for (const e of summarized) expect(Math.ceil(e.summary.length / 4)).toBeLessThanOrEqual(200);
      expect(summarized.some((e) => !e.summary.endsWith('.'))).toBe(true);
      expect(summarized[0]).toMatchObject({ from: 1, model: 'summarizer-model', summary: expect.stringMatching(/^Summary 1: the user asked Question 1, /) });

      const summarizerRequests = server.requests.filter((r) => (r.body.messages as unknown as WireMessage[])[0]?.content === SUMMARIZER_INSTRUCTIONS);
      expect(summarizerRequests.every((r) => r.body.model === 'summarizer-model' && r.body.max_tokens === 200)).toBe(true);
      // A later summary folds the previous one with only the messages dropped since.
      const second = ((summarizerRequests[1]?.body.messages ?? []) as unknown as WireMessage[])[1]?.content ?? '';
      expect(second).toContain(`Summary so far:\n${summarized[0]?.summary}`);
      expect(second).not.toContain('Question 1:');

      // Every trimmed request sends the system prompt, then the summary in force, then whole turns.
      let summary: string | undefined;
      let checked = 0;
      for (const request of server.requests) {
        const messages = request.body.messages as unknown as WireMessage[];
        if (messages[0]?.content === SUMMARIZER_INSTRUCTIONS) {
          summary = `Summary ${summarizerRequests.indexOf(request) + 1}:`;
          continue;
        }
        expect(messages[0]).toEqual({ role: 'system', content: 'You are terse.' });
        const chars = messages.reduce((n, m) => n + (m.content ?? '').length + JSON.stringify(m.tool_calls ?? '').length, 0);
        expect(Math.ceil(chars / 4) + 4 * messages.length + 256).toBeLessThanOrEqual(2_048);
        if (summary && messages.length < 1 + 4 * 120) {
          expect(messages[1]?.role).toBe('system');
          expect(messages[1]?.content).toMatch(new RegExp(`^${SUMMARY_HEADING.replace(/[()]/g, '\\$&')}\\n${summary}`));
          expect(messages[2]?.role).toBe('user');
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(100);
      const session = await store.load(sessionId ?? '');
      expect(session?.summary).toEqual({ from: 1, to: summarized.at(-1)?.to, text: summarized.at(-1)?.summary });
      expect(session?.messages).toHaveLength(1 + 4 * 120);
      expect(session?.usage.llmCalls).toBe(240 + summaries);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('refuses a bad summarize setting, naming the key', () => {
    const result = configSchema.safeParse({ agent: { context: { summarize: 3, summaryMaxTokens: 10 } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['agent.context.summarize', 'agent.context.summaryMaxTokens']);
  });
});
