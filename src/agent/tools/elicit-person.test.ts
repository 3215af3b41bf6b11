import { describe, expect, it } from 'vitest';
import type { ElicitationAnswer, ElicitationRequest } from '../../engine/elicitation.js';
import type { EventPayload } from '../../engine/events.js';
import { defineTool } from './tool.js';
import { ToolExecutor, type ExecuteContext } from './tool-executor.js';
import { ToolRegistry } from './tool-registry.js';

const form = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

/** A tool that asks for a city (after `waitMs`) and returns what it got back. */
const askTool = defineTool({
  name: 'ask',
  description: 'asks the person',
  parameters: { type: 'object' },
  timeoutMs: 50,
  execute: async (_args, context) => {
    if (!context.elicit) return 'no one to ask';
    return context.elicit({ message: 'Which city?', requestedSchema: form, server: 'weather' });
  },
});

function run(requestInput: ExecuteContext['requestInput'], signal = new AbortController().signal) {
  const events: EventPayload[] = [];
  const executor = new ToolExecutor({ registry: new ToolRegistry([askTool]) });
  const done = executor.execute([{ id: 'c1', name: 'ask', arguments: '{}' }], {
    sessionId: 's1',
    principal: 'ana',
    step: 2,
    signal,
    emit: (e) => void events.push(e),
    ...(requestInput ? { requestInput } : {}),
  });
  return { events, done };
}

describe('ToolContext.elicit', () => {
  it('is absent without a front end', async () => {
    const [result] = await run(undefined).done;
    expect(result).toMatchObject({ ok: true, value: 'no one to ask' });
  });

  it('asks the front end with the deadline stopped, and records the question and the answer', async () => {
    let asked: ElicitationRequest | undefined;
    const { events, done } = run(async (request) => {
      asked = request;
      // Longer than the tool's 50 ms deadline: the person's time is not the tool's.
      await new Promise((r) => setTimeout(r, 120));
      return { action: 'accept', content: { city: 'Lyon' }, by: 'ana' };
    });
    const [result] = await done;
    expect(result).toMatchObject({ ok: true, value: { action: 'accept', content: { city: 'Lyon' } } });
    expect(asked).toMatchObject({ callId: 'c1', name: 'ask', server: 'weather', message: 'Which city?', requestedSchema: form });
    const requested = events.find((e) => e.type === 'elicitation.requested');
    expect(requested).toEqual({ type: 'elicitation.requested', step: 2, ...asked });
    expect(events.find((e) => e.type === 'elicitation.answered')).toEqual({
      type: 'elicitation.answered',
      callId: 'c1',
      id: asked?.id,
      action: 'accept',
      content: { city: 'Lyon' },
      by: 'ana',
    });
  });

  it('ends the question when the turn is cancelled, and withdraws it from the front end', async () => {
    const turn = new AbortController();
    let withdrawn = false;
    const { events, done } = run(
      (_request, signal) =>
        new Promise<ElicitationAnswer>(() => {
          signal.addEventListener('abort', () => (withdrawn = true));
          setTimeout(() => turn.abort(), 10);
        }),
      turn.signal,
    );
    const [result] = await done;
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    await new Promise((r) => setTimeout(r, 0));
    expect(withdrawn).toBe(true);
    expect(events.find((e) => e.type === 'elicitation.answered')).toMatchObject({ action: 'cancel', by: 'system' });
  });

  it('refuses an answer that does not match the form, and a form MCP does not allow', async () => {
    const bad = await run(async () => ({ action: 'accept', content: { town: 'Lyon' }, by: 'ana' })).done;
    expect(bad[0]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('content.city: is required') } });

    const nested = defineTool({
      name: 'nested',
      description: 'asks for an object',
      parameters: { type: 'object' },
      execute: (_a, context) => context.elicit?.({ message: 'Address?', requestedSchema: { type: 'object', properties: { a: { type: 'object' } } } }),
    });
    let asked = false;
    const events: EventPayload[] = [];
    const [result] = await new ToolExecutor({ registry: new ToolRegistry([nested]) }).execute([{ id: 'c2', name: 'nested', arguments: '{}' }], {
      sessionId: 's1',
      principal: 'ana',
      step: 1,
      signal: new AbortController().signal,
      emit: (e) => void events.push(e),
      requestInput: async () => {
        asked = true;
        return { action: 'cancel', by: 'ana' };
      },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('the form is not one MCP allows') } });
    expect(asked).toBe(false);
    expect(events.some((e) => e.type.startsWith('elicitation.'))).toBe(false);
  });

  it('shows only web pages in URL mode: a javascript: link is refused', async () => {
    const linking = (url: string) =>
      defineTool({
        name: 'link',
        description: 'asks the person to open a page',
        parameters: { type: 'object' },
        execute: (_a, context) => context.elicit?.({ message: 'Open this', requestedSchema: { type: 'object', properties: {} }, url }),
      });
    const ask = async (url: string) => {
      const [result] = await new ToolExecutor({ registry: new ToolRegistry([linking(url)]) }).execute([{ id: 'c3', name: 'link', arguments: '{}' }], {
        sessionId: 's1',
        principal: 'ana',
        step: 1,
        signal: new AbortController().signal,
        emit: () => undefined,
        requestInput: async (request) => ({ action: request.url === url ? 'accept' : 'cancel', by: 'ana' }),
      });
      return result;
    };
    expect(await ask('https://example.com/consent')).toMatchObject({ ok: true, value: { action: 'accept' } });
    expect(await ask('javascript:alert(1)')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'url: must be an http or https URL' } });
  });
});
