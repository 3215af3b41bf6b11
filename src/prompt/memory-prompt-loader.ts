import { AgentboxError } from '../errors/agentbox-error.js';
import type { PromptLoader } from './prompt-source.js';

/**
 * Prompt files held in memory, by name (`greet` or `greet.prompt`); partials are the entries
 * named `_name`. For the browser, where there is no prompt folder, and for tests.
 *
 * @example
 * const prompts = createMemoryPromptLoader({ greet: '---\nmodel: m\n---\nHello {{name}}', _style: 'Be brief.' });
 */
export function createMemoryPromptLoader(files: Readonly<Record<string, string>>): PromptLoader {
  const get = (name: string): string | undefined => {
    const key = name.replace(/\.prompt$/, '');
    return Object.hasOwn(files, key) ? files[key] : Object.hasOwn(files, `${key}.prompt`) ? files[`${key}.prompt`] : undefined;
  };
  const load = async (file: string) => {
    const source = get(file);
    if (source === undefined) throw new AgentboxError('NOT_FOUND', `no prompt named ${file}`, { details: { param: 'prompt' } });
    return { file, source };
  };
  return {
    load,
    // Names only here anyway (isStoredPromptName keeps partials out).
    loadStored: load,
    async loadPartial(name) {
      return get(`_${name}`);
    },
  };
}
