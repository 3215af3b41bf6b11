/** The sessions API runs a turn from a stored prompt by name: `POST /v1/sessions/:id/messages` with `prompt: { name, input }`. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPromptFolder } from '../src/node/prompt/prompt-folder.js';
import { createPromptRenderer } from '../src/prompt/create-prompt-renderer.js';
import { startHarness, type ServerHarness } from './helpers/server-harness.js';

let h: ServerHarness | undefined;
afterEach(async () => h?.close());

function promptFolder(): { cwd: string; dir: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'agentbox-stored-prompts-'));
  const dir = join(cwd, 'prompts');
  mkdirSync(join(dir, 'support'), { recursive: true });
  writeFileSync(
    join(dir, 'triage.prompt'),
    '---\ninput:\n  schema:\n    ticket: string\n---\n{{role "system"}}\nYou triage tickets.\n{{role "user"}}\n{{ticket}}',
  );
  writeFileSync(join(dir, 'support', 'greet.prompt'), '{{role "user"}}\nGreet the customer.');
  writeFileSync(join(dir, '_style.prompt'), 'Be brief.');
  // In the working directory, not the prompt folder: a path a client must not reach.
  writeFileSync(join(cwd, 'outside.prompt'), '{{role "user"}}\nsecret');
  return { cwd, dir };
}

async function start(): Promise<ServerHarness> {
  const { cwd } = promptFolder();
  h = await startHarness({ prompts: createPromptRenderer(createPromptFolder({ dir: './prompts', cwd })) });
  return h;
}

const newSession = async (harness: ServerHarness): Promise<string> =>
  ((await (await harness.call('/v1/sessions', { method: 'POST', json: {} })).json()) as { id: string }).id;
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('stored prompts on the sessions API', () => {
  it('renders the named prompt with its input as the turn, recorded with the prompt version', async () => {
    const harness = await start();
    harness.llm.enqueue({ type: 'text', text: 'Severity: high.' }, { type: 'text', text: 'Hello!' });
    const id = await newSession(harness);
    const res = await harness.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { prompt: { name: 'triage', input: { ticket: 'It crashes' } } } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toBe('Severity: high.');
    expect(harness.llm.requests[0]?.body.messages).toEqual([
      { role: 'system', content: 'You triage tickets.' },
      { role: 'user', content: 'It crashes' },
    ]);
    const events = (await (await harness.call(`/v1/sessions/${id}/events`, { headers: { accept: 'application/json' } })).json()) as {
      data: Array<{ type: string; prompt?: { file: string; hash: string } }>;
    };
    expect(events.data.find((e) => e.type === 'turn.started')?.prompt).toMatchObject({ file: 'triage', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // A name in a subfolder of the prompt folder.
    const sub = await harness.call(`/v1/sessions/${id}/messages`, { method: 'POST', json: { prompt: { name: 'support/greet' } } });
    expect(sub.status).toBe(200);
    expect(harness.llm.requests[1]?.body.messages?.at(-1)).toEqual({ role: 'user', content: 'Greet the customer.' });
  });

  it('refuses paths, partials and bad bodies with 400, an unknown name with 404, bad prompt input naming the field', async () => {
    const harness = await start();
    const id = await newSession(harness);
    const post = (json: unknown) => harness.call(`/v1/sessions/${id}/messages`, { method: 'POST', json });
    for (const name of ['../outside', '/etc/passwd', '_style', 'support/../triage', 'a\\b']) {
      const res = await post({ prompt: { name } });
      expect(res.status, name).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain('prompt.name');
    }
    // In the working directory but not in the prompt folder: not found, never read.
    const outside = await post({ prompt: { name: 'outside' } });
    expect(outside.status).toBe(404);
    expect((await errorOf(outside)).message).toContain('no stored prompt outside in the prompt folder');
    const both = await post({ input: 'hi', prompt: { name: 'triage' } });
    expect(both.status).toBe(400);
    expect((await errorOf(both)).message).toContain('exactly one');
    expect((await post({})).status).toBe(400);
    const badInput = await post({ prompt: { name: 'triage', input: { ticket: 7 } } });
    expect(badInput.status).toBe(400);
    expect((await errorOf(badInput)).message).toContain('ticket');
    expect(harness.llm.requestCount).toBe(0);
  });

  it('documents the prompt body in the OpenAPI document', async () => {
    const harness = await start();
    const doc = (await (await harness.call('/openapi.json')).json()) as {
      components: { schemas: { PostMessageRequest: { properties: Record<string, unknown> } } };
    };
    expect(doc.components.schemas.PostMessageRequest.properties).toMatchObject({
      input: { type: 'string' },
      prompt: { type: 'object', properties: { name: { type: 'string' }, input: { type: 'object' } }, required: ['name'] },
    });
  });
});
