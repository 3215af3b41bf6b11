/**
 * The prompt engine: Dotprompt files (YAML front matter + Handlebars) rendered with the
 * `dotprompt` library, their input validated before rendering, and JSON Schema validation
 * for structured answers. Portable: reading a prompt folder is `agentbox/node`'s adapter.
 */
export { renderPrompt, type RenderedPrompt, type RenderPromptOptions } from './render-prompt.js';
export { parsePromptFile, type PromptFile } from './parse-prompt-file.js';
export type { PromptLoader, PromptReference, PromptSource } from './prompt-source.js';
export { createMemoryPromptLoader } from './memory-prompt-loader.js';
export { validateJson } from './validate-json.js';
export { hashText } from './hash-text.js';
