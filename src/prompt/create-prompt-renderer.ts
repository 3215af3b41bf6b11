import { ConfigError } from '../errors/config-error.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import { isStoredPromptName, type PromptLoader, type PromptReference, type PromptRenderer, type PromptSource, type PromptTurn } from './prompt-source.js';
import { renderPrompt } from './render-prompt.js';

/**
 * The prompt engine a runtime renders `process({ prompt })` with. Injected rather than
 * imported by the runtime: Dotprompt and Handlebars weigh ~70 KiB gzipped, so the portable
 * core carries them only where a platform wires them (Node does; a page opts in).
 *
 * @example
 * const prompts = createPromptRenderer(createMemoryPromptLoader({ greet: source }));
 * const runtime = new BaseRuntime({ store, model, prompts });
 * await runtime.process({ prompt: { file: 'greet', input: { name: 'Ann' } } });
 */
export function createPromptRenderer(loader?: PromptLoader): PromptRenderer {
  return {
    ...(loader ? { loader } : {}),
    render: (reference) => renderForTurn(reference, loader),
  };
}

async function renderForTurn(reference: PromptReference, loader: PromptLoader | undefined): Promise<PromptTurn> {
  let source: PromptSource;
  if (reference.source !== undefined) source = { file: reference.file ?? 'inline.prompt', source: reference.source };
  else if (reference.name !== undefined) source = await loadStored(reference.name, loader);
  else if (loader) source = await loader.load(reference.file);
  else
    throw new ConfigError([{ path: 'prompts', message: `cannot read prompt file ${reference.file}: no prompt loader was given (give prompt.source instead)` }]);
  const { prompt, record } = await renderPrompt({
    prompt: source,
    ...(reference.input ? { input: reference.input } : {}),
    ...(loader ? { loadPartial: (name: string) => loader.loadPartial(name, source.file) } : {}),
  });
  const lastUser = record.messages.findLast((m) => m.role === 'user');
  return {
    record,
    input: lastUser?.content ?? source.file,
    ...(prompt.model ? { model: prompt.model } : {}),
    ...(prompt.temperature !== undefined ? { temperature: prompt.temperature } : {}),
    ...(prompt.maxTokens !== undefined ? { maxTokens: prompt.maxTokens } : {}),
    ...(prompt.tools ? { tools: prompt.tools } : {}),
    ...(prompt.outputSchema ? { output: { schema: prompt.outputSchema, name: baseName(source.file) } } : {}),
  };
}

async function loadStored(name: string, loader: PromptLoader | undefined): Promise<PromptSource> {
  if (!isStoredPromptName(name)) {
    throw new AgentboxError('INVALID_INPUT', `'${name.slice(0, 200)}' is not a stored prompt name (letters, digits, _ . - and / between names; no paths)`, {
      details: { param: 'prompt.name' },
    });
  }
  if (!loader?.loadStored) throw new ConfigError([{ path: 'prompts', message: `cannot read the stored prompt ${name}: this runtime has no prompt folder` }]);
  return loader.loadStored(name.replace(/\.prompt$/, ''));
}

function baseName(file: string): string {
  return (
    file
      .split(/[\\/]/)
      .at(-1)
      ?.replace(/\.prompt$/, '') ?? 'answer'
  );
}
