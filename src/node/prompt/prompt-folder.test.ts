import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPromptFolder } from './prompt-folder.js';

function folder() {
  const cwd = mkdtempSync(join(tmpdir(), 'agentbox-folder-'));
  mkdirSync(join(cwd, 'prompts', 'support'), { recursive: true });
  mkdirSync(join(cwd, 'elsewhere'));
  writeFileSync(join(cwd, 'prompts', 'greet.prompt'), 'hello');
  writeFileSync(join(cwd, 'prompts', '_style.prompt'), 'folder style');
  writeFileSync(join(cwd, 'prompts', 'support', 'triage.prompt'), 'triage');
  writeFileSync(join(cwd, 'elsewhere', 'x.prompt'), 'x');
  writeFileSync(join(cwd, 'elsewhere', '_style.prompt'), 'beside style');
  return { cwd, prompts: createPromptFolder({ cwd }) };
}

describe('createPromptFolder', () => {
  it('loads by name in the folder or by path from the working directory', async () => {
    const { prompts } = folder();
    expect(await prompts.load('greet')).toEqual({ file: 'greet', source: 'hello' });
    expect((await prompts.load('support/triage')).source).toBe('triage');
    expect((await prompts.load('elsewhere/x.prompt')).source).toBe('x');
    await expect(prompts.load('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('prompt folder') });
  });

  it('loads a stored prompt from the folder only, never from the working directory', async () => {
    const { prompts } = folder();
    expect(await prompts.loadStored?.('support/triage')).toEqual({ file: 'support/triage', source: 'triage' });
    await expect(prompts.loadStored?.('elsewhere/x')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no stored prompt elsewhere/x in the prompt folder',
    });
  });

  it('finds a partial beside the prompt first, then in the folder', async () => {
    const { prompts } = folder();
    expect(await prompts.loadPartial('style', 'elsewhere/x.prompt')).toBe('beside style');
    expect(await prompts.loadPartial('style', 'support/triage')).toBe('folder style');
    expect(await prompts.loadPartial('missing', 'greet')).toBeUndefined();
  });

  it('lists prompt files without partials, and an absent folder as empty', async () => {
    const { prompts, cwd } = folder();
    expect(await prompts.list()).toEqual(['greet.prompt', join('support', 'triage.prompt')]);
    expect(await createPromptFolder({ cwd, dir: 'none' }).list()).toEqual([]);
  });
});
