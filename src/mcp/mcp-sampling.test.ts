import { type CreateMessageRequest, CreateMessageResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { ToolContext } from '../agent/tools/tool.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import { answerSampling, createMessageResult, sampleRequestFrom, samplingLimits } from './mcp-sampling.js';

type Params = CreateMessageRequest['params'];
const text = (t: string, role: 'user' | 'assistant' = 'user') => ({ role, content: { type: 'text' as const, text: t } });
const params = (extra: Partial<Params> = {}): Params => ({ messages: [text('hi')], maxTokens: 50, ...extra });
const budget = { maxTokens: 1000 };

/** The McpError `fn` throws. */
function refusal(fn: () => unknown): McpError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(McpError);
    return error as McpError;
  }
  throw new Error('expected a refusal');
}

describe('sampleRequestFrom: a server request as agentbox’s, within bounds', () => {
  it('maps messages, the system prompt, maxTokens, temperature and stop sequences; joins text blocks', () => {
    const request = sampleRequestFrom(
      'docs',
      { maxTokens: 1000, model: 'small' },
      params({
        messages: [
          text('question'),
          text('earlier answer', 'assistant'),
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
        systemPrompt: 'be brief',
        temperature: 0.2,
        stopSequences: ['END'],
        includeContext: 'thisServer',
        modelPreferences: { hints: [{ name: 'claude' }] },
      }),
    );
    expect(request).toEqual({
      source: 'docs',
      budgetTokens: 1000,
      model: 'small',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'question' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'earlier answer' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
      systemPrompt: 'be brief',
      maxTokens: 50,
      temperature: 0.2,
      stopSequences: ['END'],
    });
  });

  it('passes images on by kind only, for the sampler to refuse (no data in the request or the event)', () => {
    const request = sampleRequestFrom(
      'docs',
      budget,
      params({ messages: [{ role: 'user', content: { type: 'image', data: 'AAAA', mimeType: 'image/png' } }] }),
    );
    expect(request.messages[0]?.content).toEqual([{ type: 'image', mimeType: 'image/png' }]);
  });

  it('refuses what agentbox does not do, and sizes over the bounds, saying which', () => {
    const cases: Array<[Partial<Params>, RegExp]> = [
      [{ tools: [{ name: 't', inputSchema: { type: 'object' } }] }, /sampling with tools is not supported/],
      [{ toolChoice: { mode: 'auto' } }, /sampling with tools is not supported/],
      [{ messages: [{ role: 'assistant', content: { type: 'tool_use', id: '1', name: 't', input: {} } }] }, /message 1 holds tool_use content/],
      [{ task: { ttl: 1000 } }, /task-augmented sampling is not supported/],
      [{ messages: [] }, /no messages/],
      [{ messages: Array.from({ length: samplingLimits.messages + 1 }, () => text('x')) }, /101 messages, over the limit of 100/],
      [{ messages: [text('x'.repeat(samplingLimits.characters))], systemPrompt: 'y' }, /200001 characters of text, over the limit/],
      [{ maxTokens: 0 }, /maxTokens must be a positive integer, not 0/],
      [{ temperature: 3 }, /temperature must be between 0 and 2, not 3/],
      [{ stopSequences: ['a', 'b', 'c', 'd', 'e'] }, /at most 4 stopSequences/],
      [{ stopSequences: [''] }, /a stop sequence must be 1 to 100 characters/],
    ];
    for (const [extra, message] of cases) {
      const error = refusal(() => sampleRequestFrom('docs', budget, params(extra)));
      expect(error.message).toMatch(/agentbox refuses sampling from MCP server 'docs'/);
      expect(error.message).toMatch(message);
    }
  });
});

describe('answerSampling', () => {
  const context = (sample?: ToolContext['sample']): ToolContext => ({
    signal: new AbortController().signal,
    sessionId: 's',
    callId: 'c',
    principal: 'p',
    ...(sample ? { sample } : {}),
  });

  it('answers with a valid CreateMessageResult from the assistant', async () => {
    const result = await answerSampling(
      'docs',
      budget,
      context(async (request) => ({
        text: `echo ${request.messages.length}`,
        model: 'm',
        stopReason: 'maxTokens',
        usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
      })),
      params(),
    );
    expect(CreateMessageResultSchema.parse(result)).toEqual({
      role: 'assistant',
      content: { type: 'text', text: 'echo 1' },
      model: 'm',
      stopReason: 'maxTokens',
    });
    expect(
      createMessageResult({ text: '', model: 'x', stopReason: 'endTurn', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } }).content,
    ).toEqual({
      type: 'text',
      text: '',
    });
  });

  it('refuses when no model is at hand, and passes a budget refusal or a model failure on as an McpError', async () => {
    await expect(answerSampling('docs', budget, context(), params())).rejects.toThrow(/refuses sampling from MCP server 'docs': no model is at hand/);
    const spent = context(async () => {
      throw new AgentboxError('MCP_SAMPLING_REFUSED', "MCP server 'docs' has used its sampling budget", { details: { server: 'docs' } });
    });
    await expect(answerSampling('docs', budget, spent, params())).rejects.toThrow(/agentbox refuses sampling: MCP server 'docs' has used its sampling budget/);
    const failing = context(async () => {
      throw new AgentboxError('LLM_UNREACHABLE', 'cannot reach the model');
    });
    const error = await answerSampling('docs', budget, failing, params()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).toMatch(/could not sample for MCP server 'docs': cannot reach the model/);
  });
});
