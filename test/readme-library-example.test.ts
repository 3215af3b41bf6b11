import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTool } from '../src/index.js';
import { NodeRuntime } from '../src/node/index.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/node/testing/index.js';

let llm: ScriptedLlmServer;
beforeAll(async () => {
  llm = await startScriptedLlmServer();
});
afterAll(() => llm.close());

/** The README's library examples, as written there (only the endpoint and store differ). */
describe('README library example', () => {
  it('streams a turn through runtime.stream() and returns the finished session', async () => {
    llm.enqueue({ type: 'text', text: '17 * 23 = 391', chunks: 4 });
    const runtime = await NodeRuntime.init({ llm: { baseUrl: llm.url, model: 'llama3.2' }, store: { kind: 'memory' } });
    const session = await runtime.createSession();
    const events = runtime.stream({ sessionId: session.id });
    let streamed = '';
    const reader = (async () => {
      for await (const event of events) if (event.type === 'llm.text-delta') streamed += event.text;
    })();
    const done = await runtime.process({ sessionId: session.id, input: 'What is 17 * 23?' });
    events.close();
    await reader;
    expect(done.state).toBe('completed');
    expect(streamed).toBe('17 * 23 = 391');
    expect(done.usage.llmCalls).toBe(1);
    await runtime.close();
  });

  it('adds a custom tool with extraTools, its arguments validated before execute', async () => {
    let seen: unknown;
    const weather = defineTool({
      name: 'weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      timeoutMs: 5000,
      execute: async ({ city }) => ((seen = city), { city, tempC: 21 }),
    });
    const runtime = await NodeRuntime.init({ llm: { baseUrl: llm.url, model: 'm' }, store: { kind: 'memory' } }, { extraTools: [weather] });
    llm.enqueue(
      { type: 'tool-calls', calls: [{ name: 'weather', arguments: { city: 42 } }] },
      { type: 'tool-calls', calls: [{ name: 'weather', arguments: { city: 'Lyon' } }] },
      { type: 'text', text: 'Sunny' },
    );
    const done = await runtime.process({ input: 'weather in Lyon?' });
    const results = done.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content) as Record<string, unknown>);
    expect(results[0]).toMatchObject({ error: { code: 'TOOL_ARGS_INVALID' } });
    expect(results[1]).toEqual({ city: 'Lyon', tempC: 21 });
    expect(seen).toBe('Lyon');
    await runtime.close();
  });

  it('runs the Prompts section: a prompt file by name, inline source, and a schema on a plain message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentbox-readme-prompts-'));
    writeFileSync(join(dir, '_house-style.prompt'), 'Be brief.');
    writeFileSync(join(dir, 'triage.prompt'), README_TRIAGE);
    const runtime = await NodeRuntime.init({ llm: { baseUrl: llm.url, model: 'llama3.2' }, store: { kind: 'memory' }, prompts: { dir } });
    llm.enqueue(
      { type: 'text', text: '{"severity":"high","summary":"crash on start"}' },
      { type: 'text', text: 'Hi Ann' },
      { type: 'text', text: '{"tides":[]}' },
    );
    const session = await runtime.process({ prompt: { file: 'triage', input: { ticket: 'The app crashes on start' } } });
    expect(session.output).toEqual({ severity: 'high', summary: 'crash on start' });
    expect(session.messages[0]).toEqual({ role: 'system', content: 'You triage support tickets. Be brief.' });
    await runtime.process({ prompt: { source: '{{role "user"}}Hello {{name}}', input: { name: 'Ann' } } });
    const last = await runtime.process({ input: 'Name three tides', output: { schema: { type: 'object', properties: { tides: { type: 'array' } } } } });
    expect(last.output).toEqual({ tides: [] });
    await runtime.close();
  });
});

/** The prompt file shown in the README's Prompts section. */
const README_TRIAGE = `---
model: gpt-4o-mini
config:
  temperature: 0
input:
  schema:
    ticket: string, the customer's message
    product?: string
output:
  schema:
    severity(enum): [low, high]
    summary: string
---
{{role "system"}}
You triage support tickets. {{> house-style}}
{{history}}
{{role "user"}}
{{ticket}}
`;
