/**
 * `agentbox/prompt` — the prompt engine: Dotprompt files (YAML front matter + Handlebars)
 * rendered with the `dotprompt` library, their input validated before rendering. Its own
 * entry point so the core does not carry Dotprompt and Handlebars; portable (reading a
 * prompt folder is `agentbox/node`'s `createPromptFolder`).
 */
export { createPromptRenderer } from './create-prompt-renderer.js';
export { renderPrompt, type RenderedPrompt, type RenderPromptOptions } from './render-prompt.js';
export { parsePromptFile, type PromptFile } from './parse-prompt-file.js';
export type { PromptLoader, PromptReference, PromptRenderer, PromptSource, PromptTurn } from './prompt-source.js';
export { createMemoryPromptLoader } from './memory-prompt-loader.js';
export { validateJson } from './validate-json.js';
export { hashText } from './hash-text.js';
export { countMessageTokens, countTextTokens, type TokenCount } from './tokens/count-tokens.js';
export { encodingForModel, type EncodingName } from './tokens/encoding-for-model.js';
