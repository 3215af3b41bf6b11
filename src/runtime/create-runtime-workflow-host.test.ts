import { describe, expect, it } from 'vitest';
import { defineTool } from '../agent/tools/tool.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel } from '../testing/scripted-model.js';
import { JqEvaluator } from '../workflow/jq-evaluator.js';
import { MemoryWorkflowJournal } from '../workflow/memory-workflow-journal.js';
import { WorkflowEngine } from '../workflow/workflow-engine.js';
import { BaseRuntime } from './base-runtime.js';
import { createRuntimeWorkflowHost } from './create-runtime-workflow-host.js';

const document = { dsl: '1.0.0', namespace: 'test', name: 'host', version: '1.0.0' };
const jq = new JqEvaluator();

describe('createRuntimeWorkflowHost', () => {
  it('calls tools through the executor with the idempotency key, and the model and an agent turn through the runtime', async () => {
    const keys: Array<string | undefined> = [];
    const record = defineTool({
      name: 'record',
      description: 'records a value',
      parameters: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'], additionalProperties: false } as const,
      execute: ({ value }, context) => {
        keys.push(context.idempotencyKey);
        return { stored: value };
      },
    });
    const store = new MemorySessionStore();
    const model = createScriptedModel([{ text: 'a haiku' }, { text: 'agent answer' }]);
    const runtime = new BaseRuntime({ store, model, tools: [record] });
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host: createRuntimeWorkflowHost(runtime), jq });
    const result = await engine.start(
      {
        document,
        do: [
          { save: { call: 'tool', with: { name: 'record', arguments: { value: '${ .v }' } }, export: { as: '${ { saved: .stored } }' } } },
          { poem: { call: 'llm', with: { system: 'be brief', prompt: 'write a haiku' }, export: { as: '${ $context + { poem: .content } }' } } },
          { ask: { call: 'agent', with: { input: 'summarize' } } },
          { out: { set: '${ $context + { agent: $input.content, sessionId: $input.sessionId } }' } },
        ],
      },
      { input: { v: 'x' }, runId: 'run-1' },
    );
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({ saved: 'x', poem: 'a haiku', agent: 'agent answer' });
    expect(keys).toEqual(['run-1:/do/0/save']);
    expect(model.requests[0]?.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'write a haiku' },
    ]);
    const session = await store.load((result.output as { sessionId: string }).sessionId);
    expect(session?.metadata).toMatchObject({ workflowRunId: 'run-1', workflowTask: '/do/2/ask' });
  });

  it('turns a denied or failing tool call into the spec error, with the task path', async () => {
    const runtime = new BaseRuntime({
      store: new MemorySessionStore(),
      model: createScriptedModel([]),
      authorize: () => ({ allowed: false, reason: 'no tool:invoke:calculator for alice' }),
      tools: [defineTool({ name: 'calculator', description: 'd', parameters: { type: 'object' } as const, execute: () => 1 })],
    });
    const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host: createRuntimeWorkflowHost(runtime), jq });
    const denied = await engine.start({ document, do: [{ calc: { call: 'tool', with: { name: 'calculator' } } }] }, { principal: 'alice' });
    expect(denied.error).toMatchObject({ status: 403, instance: '/do/0/calc', type: expect.stringContaining('/authorization') });
    expect(denied.error?.detail).toContain('no tool:invoke:calculator for alice');
    const missing = await engine.start({ document, do: [{ nope: { call: 'tool', with: { name: 'nope' } } }] });
    expect(missing.error).toMatchObject({ status: 400, instance: '/do/0/nope', title: 'call failed (TOOL_NOT_FOUND)' });
  });
});
