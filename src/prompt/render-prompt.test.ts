import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../errors/agentbox-error.js';
import { applyEvent, emptySession } from '../engine/session.js';
import { createMemoryPromptLoader } from './memory-prompt-loader.js';
import { hashText } from './hash-text.js';
import { renderPrompt } from './render-prompt.js';

const greet = `---
model: gpt-4o-mini
config:
  temperature: 0.2
input:
  schema:
    name: string, the person to greet
    tone?: string
    tags(array): string
  default:
    tone: warm
output:
  schema:
    greeting: string
---
{{role "system"}}
You greet people. {{> style}}
{{role "user"}}
Example: Bob
{{role "model"}}
{"greeting": "Hi Bob"}
{{history}}
{{role "user"}}
Hello, I am {{name}}. Tags: {{#each tags}}{{this}}{{#unless @last}}, {{/unless}}{{/each}}
`;

const loader = createMemoryPromptLoader({ greet, _style: 'Be {{tone}}.' });
const render = (input: Record<string, unknown>, source = greet) =>
  renderPrompt({ prompt: { file: 'greet.prompt', source }, input, loadPartial: (name) => loader.loadPartial(name, 'greet.prompt') });

async function errorOf(promise: Promise<unknown>): Promise<AgentboxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AgentboxError.isInstance(error)) throw new Error(`expected an AgentboxError, got ${String(error)}`);
  return error;
}

describe('renderPrompt', () => {
  it('renders roles, partials (with defaults) and the history position', async () => {
    const { prompt, record } = await render({ name: 'Ann', tags: ['a', 'b'] });
    expect(record.messages).toEqual([
      { role: 'system', content: 'You greet people. Be warm.' },
      { role: 'user', content: 'Example: Bob' },
      { role: 'assistant', content: '{"greeting": "Hi Bob"}' },
      { role: 'user', content: 'Hello, I am Ann. Tags: a, b' },
    ]);
    expect(record.historyAt).toBe(3);
    expect(record.input).toEqual({ name: 'Ann', tags: ['a', 'b'], tone: 'warm' });
    expect(record.hash).toBe(await hashText(greet));
    expect(record.partials).toEqual({ style: await hashText('Be {{tone}}.') });
    expect(prompt).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2 });
    expect(prompt.outputSchema).toMatchObject({ type: 'object', required: ['greeting'] });
  });

  it('puts the history before the last user message when the template has no {{history}}', async () => {
    const { record } = await render({}, '{{role "system"}}Be brief.{{role "user"}}Go on.');
    expect(record.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Go on.' },
    ]);
    expect(record.historyAt).toBe(1);
  });

  it('folds into a session around its history, without repeating the same system prompt', async () => {
    const session = emptySession('s');
    let seq = 0;
    const apply = (payload: Parameters<typeof applyEvent>[1]) => applyEvent(session, { ...payload, sessionId: 's', seq: ++seq, time: seq });
    const first = await render({}, '{{role "system"}}Be brief.{{role "user"}}One {{n}}');
    apply({ type: 'turn.started', turn: 1, input: 'One', prompt: first.record } as never);
    apply({
      type: 'llm.completed',
      step: 1,
      model: 'm',
      text: 'A1',
      toolCalls: [],
      finishReason: 'stop',
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      durationMs: 1,
    } as never);
    const second = await render({ n: 2 }, '{{role "system"}}Be brief.{{role "user"}}One {{n}}');
    apply({ type: 'turn.started', turn: 2, input: 'One 2', prompt: second.record } as never);
    expect(session.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'One 2' },
    ]);
  });

  it('refuses input that does not match the schema, naming each field', async () => {
    const error = await errorOf(render({ tags: [1], extra: true }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details).toMatchObject({
      issues: expect.arrayContaining([
        { path: 'name', message: 'is required' },
        { path: 'tags.0', message: expect.stringContaining('Expected "string"') },
        { path: 'extra', message: 'is not allowed here' },
      ]),
    });
    expect(error.message).toMatch(/greet\.prompt[\s\S]*- name: is required/);
  });

  it.each([
    ['bad YAML', '---\nmodel: [\n---\nhi', '(front matter)', /^is not valid YAML \(line 2, column 9\): Flow sequence.*end with a \]$/],
    ['an unknown key', '---\nouput:\n  schema: {}\n---\nhi', 'ouput', /unknown key/],
    ['a key of the wrong type', '---\ntools: read_file\n---\nhi', 'tools', /expected array/],
    ['an unclosed front matter', '---\nmodel: x\nhi', '(front matter)', /no closing ---/],
    ['a bad Picoschema type', '---\ninput:\n  schema:\n    name: strin\n---\nhi', 'input.schema', /strin/],
    ['a missing partial', '{{> nowhere}}', 'partials.nowhere', /_nowhere\.prompt/],
    ['a template that does not compile', 'Hello {{#each}}', '(template)', /./],
    ['a helper that is not built in', 'Hello {{lookupSecret "x"}}', '(template)', /./],
  ])('refuses %s with PROMPT_INVALID naming the key', async (_what, source, path, message) => {
    const error = await errorOf(render({}, source));
    expect(error.code).toBe('PROMPT_INVALID');
    const issues = (error.details as { issues: Array<{ path: string; message: string }> }).issues;
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
  });
});
