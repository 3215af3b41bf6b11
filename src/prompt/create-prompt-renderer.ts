import { ConfigError } from '../errors/config-error.js';
import type { PromptLoader, PromptReference, PromptRenderer, PromptSource, PromptTurn } from './prompt-source.js';
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

function baseName(file: string): string {
  return (
    file
      .split(/[\\/]/)
      .at(-1)
      ?.replace(/\.prompt$/, '') ?? 'answer'
  );
}
