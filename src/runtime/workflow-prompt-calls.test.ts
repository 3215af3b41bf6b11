/** Workflows' `call: llm` and `call: agent` with `prompt: { file, input }`, through the runtime's prompt renderer. */
import { describe, expect, it } from 'vitest';
import { hashText } from '../prompt/hash-text.js';
import { createPromptRenderer } from '../prompt/create-prompt-renderer.js';
import { createMemoryPromptLoader } from '../prompt/memory-prompt-loader.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import { createScriptedModel, type ScriptedAnswer } from '../testing/scripted-model.js';
import { JqEvaluator } from '../workflow/jq-evaluator.js';
import { MemoryWorkflowJournal } from '../workflow/memory-workflow-journal.js';
import { validateWorkflow } from '../workflow/validate-workflow.js';
import { WorkflowEngine } from '../workflow/workflow-engine.js';
import { BaseRuntime } from './base-runtime.js';
import { createRuntimeWorkflowHost } from './create-runtime-workflow-host.js';

const document = { dsl: '1.0.0', namespace: 'test', name: 'prompts', version: '1.0.0' };
const jq = new JqEvaluator();
const triage = `---
model: triage-model
config:
  temperature: 0
input:
  schema:
    ticket: string
output:
  schema:
    severity(enum): [low, high]
---
{{role "system"}}
You triage tickets.
{{role "user"}}
{{ticket}}
`;
const greet = '---\ninput:\n  schema:\n    name: string\n---\n{{role "user"}}\nGreet {{name}}.';

function setup(answers: ScriptedAnswer[]) {
  const model = createScriptedModel(answers);
  const store = new MemorySessionStore();
  const runtime = new BaseRuntime({ store, model, prompts: createPromptRenderer(createMemoryPromptLoader({ triage, greet })) });
  const engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host: createRuntimeWorkflowHost(runtime), jq });
  return { model, store, engine };
}

describe('call: llm | agent with prompt: { file, input }', () => {
  it('call: llm renders the file with the evaluated input, applies its front matter and returns the validated answer with the prompt version', async () => {
    const { model, engine } = setup([{ text: '{"severity":"high"}' }]);
    const result = await engine.start(
      { document, do: [{ triage: { call: 'llm', with: { prompt: { file: 'triage', input: { ticket: '${ .ticket }' } } } } }] },
      { input: { ticket: 'The app crashes on start' } },
    );
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ content: '{"severity":"high"}', output: { severity: 'high' }, prompt: { file: 'triage', hash: await hashText(triage) } });
    expect(model.requests[0]).toMatchObject({
      model: 'triage-model',
      temperature: 0,
      messages: [
        { role: 'system', content: 'You triage tickets.' },
        { role: 'user', content: 'The app crashes on start' },
      ],
      responseFormat: { type: 'json_schema' },
    });
  });

  it('call: agent runs a turn rendered from the file, recorded with its prompt in the session', async () => {
    const { store, engine } = setup([{ text: 'Hello, Ada!' }]);
    const result = await engine.start(
      { document, do: [{ hi: { call: 'agent', with: { prompt: { file: 'greet', input: { name: 'Ada' } } } } }] },
      { runId: 'run-7' },
    );
    expect(result.status).toBe('completed');
    const { content, sessionId } = result.output as { content: string; sessionId: string };
    expect(content).toBe('Hello, Ada!');
    const events = await store.events(sessionId);
    expect(events.find((e) => e.type === 'turn.started')).toMatchObject({ input: 'Greet Ada.', prompt: { file: 'greet', input: { name: 'Ada' } } });
    expect((await store.load(sessionId))?.metadata).toMatchObject({ workflowRunId: 'run-7', workflowTask: '/do/0/hi' });
  });

  it('faults the task with the error the user sees: bad input names the field, an invalid answer names the path, an unknown file is named', async () => {
    const { model, engine } = setup([{ text: '{"severity":"urgent"}' }]);
    const badInput = await engine.start({ document, do: [{ t: { call: 'llm', with: { prompt: { file: 'triage', input: { ticket: 3 } } } } }] });
    expect(badInput.error).toMatchObject({ instance: '/do/0/t', title: 'call failed (INVALID_INPUT)' });
    expect(badInput.error?.detail).toContain('ticket');
    expect(model.requests).toHaveLength(0);
    const invalid = await engine.start({ document, do: [{ t: { call: 'llm', with: { prompt: { file: 'triage', input: { ticket: 'x' } } } } }] });
    expect(invalid.error).toMatchObject({ instance: '/do/0/t', title: 'call failed (OUTPUT_INVALID)' });
    expect(invalid.error?.detail).toContain('severity');
    const missing = await engine.start({ document, do: [{ t: { call: 'agent', with: { prompt: { file: 'nope' } } } }] });
    expect(missing.error?.detail).toContain('no prompt named nope');
  });

  it('refuses at validation a with.prompt object that names no file', async () => {
    const result = await validateWorkflow({ document, do: [{ t: { call: 'llm', with: { prompt: { input: { a: 1 } } } } }] }, { jq });
    expect(result.ok).toBe(false);
    expect(result.issues).toContainEqual(
      expect.objectContaining({ code: 'structure', path: '/do/0/t/with/prompt', message: expect.stringContaining('{ file, input }') }),
    );
    // A string prompt is still the message itself.
    expect((await validateWorkflow({ document, do: [{ t: { call: 'llm', with: { prompt: 'hi' } } }] }, { jq })).ok).toBe(true);
  });
});
