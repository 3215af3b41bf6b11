import { describe, expect, it } from 'vitest';
import { createPromptRenderer } from './create-prompt-renderer.js';
import { createMemoryPromptLoader } from './memory-prompt-loader.js';
import { isStoredPromptName } from './prompt-source.js';

describe('stored prompts by name', () => {
  it('accepts names and subfolder names, refuses paths, partials and traversal', () => {
    for (const name of ['greet', 'support/triage', 'v1.2-greet', 'greet.prompt']) expect(isStoredPromptName(name), name).toBe(true);
    for (const name of ['', '../x', '/etc/passwd', 'a/../b', '_style', 'a//b', 'a\\b', 'C:x', 'x'.repeat(201)])
      expect(isStoredPromptName(name), name).toBe(false);
  });

  it('renders a stored prompt through the loader, and refuses a bad name or a loader without a store', async () => {
    const renderer = createPromptRenderer(createMemoryPromptLoader({ greet: '{{role "user"}}\nHello {{name}}' }));
    expect((await renderer.render({ name: 'greet.prompt', input: { name: 'Ann' } })).input).toBe('Hello Ann');
    await expect(renderer.render({ name: '../greet' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('is not a stored prompt name'),
    });
    const noStore = createPromptRenderer({ load: async () => ({ file: 'x', source: '' }), loadPartial: async () => undefined });
    await expect(noStore.render({ name: 'greet' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
