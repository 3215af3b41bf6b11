/** The BPE encodings agentbox counts with exactly (both ship in `gpt-tokenizer`). */
export type EncodingName = 'o200k_base' | 'cl100k_base';

// Prefix → encoding, longest prefix first where they overlap (`gpt-4o` before `gpt-4`).
// The same table tiktoken keeps (MODEL_PREFIX_TO_ENCODING), cut to current chat models.
const prefixes: ReadonlyArray<readonly [string, EncodingName]> = [
  ['gpt-4o', 'o200k_base'],
  ['chatgpt-4o', 'o200k_base'],
  ['gpt-4.1', 'o200k_base'],
  ['gpt-4.5', 'o200k_base'],
  ['gpt-5', 'o200k_base'],
  ['gpt-oss', 'o200k_base'],
  ['o1', 'o200k_base'],
  ['o3', 'o200k_base'],
  ['o4', 'o200k_base'],
  ['gpt-4', 'cl100k_base'],
  ['gpt-3.5', 'cl100k_base'],
  ['text-embedding-3', 'cl100k_base'],
  ['text-embedding-ada', 'cl100k_base'],
];

/**
 * The encoding of an OpenAI-family model, by name (a provider prefix such as `openai/` is
 * ignored); undefined for other models, whose counts are estimates.
 */
export function encodingForModel(model: string): EncodingName | undefined {
  const name = model.toLowerCase().replace(/^.*\//, '');
  return prefixes.find(([prefix]) => name.startsWith(prefix))?.[1];
}
