import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { PromptLoader } from '../../prompt/prompt-source.js';

export interface PromptFolderOptions {
  /** The prompt folder (config `prompts.dir`); relative to `cwd`. Default `./prompts`. */
  dir?: string;
  /** Default `process.cwd()`. */
  cwd?: string;
}

/** A prompt folder on disk, and the prompt files in it. */
export interface PromptFolder extends PromptLoader {
  /** The folder, absolute. */
  readonly dir: string;
  /** Prompt files under the folder (recursively), sorted, partials (`_name.prompt`) left out; paths relative to it. */
  list(): Promise<string[]>;
}

/**
 * The Node adapter of `PromptLoader`. A prompt is named by a path (`./x/greet.prompt`,
 * relative to the working directory) or by its name in the prompt folder (`greet`,
 * `support/triage`). The partial `{{> style}}` is `_style.prompt` beside the prompt, else in
 * the folder: the same lookup Dotprompt's own file store makes.
 *
 * @example
 * const prompts = createPromptFolder({ dir: './prompts' });
 * const { source } = await prompts.load('greet');
 */
export function createPromptFolder(options: PromptFolderOptions = {}): PromptFolder {
  const cwd = options.cwd ?? process.cwd();
  const dir = resolve(cwd, options.dir ?? './prompts');

  async function locate(file: string): Promise<string | undefined> {
    const candidates = [resolve(cwd, file)];
    if (!isAbsolute(file)) candidates.push(join(dir, file), join(dir, `${file}.prompt`));
    for (const path of candidates) if (await isFile(path)) return path;
    return undefined;
  }

  return {
    dir,
    async load(file) {
      const path = await locate(file);
      if (!path) {
        throw new AgentboxError('NOT_FOUND', `no prompt file ${file} (looked in the working directory and in the prompt folder ${dir})`, {
          details: { param: 'prompt' },
        });
      }
      return { file, source: await readFile(path, 'utf8') };
    },
    async loadStored(name) {
      // The folder only, never the working directory: a service client names prompts, not paths.
      const path = join(dir, `${name}.prompt`);
      if (!(await isFile(path))) {
        throw new AgentboxError('NOT_FOUND', `no stored prompt ${name} in the prompt folder`, { details: { param: 'prompt.name' } });
      }
      return { file: name, source: await readFile(path, 'utf8') };
    },
    async loadPartial(name, from) {
      const beside = await locate(from);
      const places = [...(beside ? [dirname(beside)] : []), dir];
      for (const place of places) {
        const path = join(place, `_${name}.prompt`);
        if (await isFile(path)) return readFile(path, 'utf8');
      }
      return undefined;
    },
    async list() {
      const found: string[] = [];
      await walk(dir, found);
      return found
        .filter((path) => !path.split(sep).at(-1)?.startsWith('_'))
        .map((path) => relative(dir, path))
        .sort();
    },
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function walk(dir: string, found: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    // No folder yet is an empty list, not an error: `prompt list` in a fresh project.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, found);
    else if (entry.isFile() && entry.name.endsWith('.prompt')) found.push(path);
  }
}
