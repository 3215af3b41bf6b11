import type { OutputSpec } from '../agent/structured-output.js';
import type { PromptRecord } from '../engine/prompt-record.js';

/**
 * Where prompt files come from. The core renders; a platform adapter finds the text (Node: a
 * prompt folder on disk; a browser or a test: a map of sources).
 */

/** One prompt file's text and the name it is recorded under. */
export interface PromptSource {
  /** The file as the caller named it (recorded in the session's events). */
  file: string;
  /** The whole file: front matter and template. */
  source: string;
}

/**
 * Finds prompt files and their partials.
 *
 * Partials follow Dotprompt's convention: the partial `{{> style}}` is the file `_style.prompt`.
 */
export interface PromptLoader {
  /** The prompt `file` names (a path or a name, as the loader reads them); PROMPT_INVALID or NOT_FOUND when it cannot. */
  load(file: string): Promise<PromptSource>;
  /** The partial's template, looked up beside `from` (the prompt that uses it) first; undefined when there is none. */
  loadPartial(name: string, from: string): Promise<string | undefined>;
  /**
   * A stored prompt by its name in the loader's own store only (the prompt folder), never
   * a path: what a service client may name (`prompt: { name }`). The name is already checked
   * by `isStoredPromptName`. Absent: the loader serves no stored prompts.
   */
  loadStored?(name: string): Promise<PromptSource>;
}

/**
 * A stored prompt's name: segments of letters, digits, `_`, `.` and `-` separated by `/`,
 * each starting with a letter or digit (so no `..`, no absolute path, no `_partial`), at
 * most 200 characters; a `.prompt` suffix is allowed.
 */
export function isStoredPromptName(name: string): boolean {
  return name.length <= 200 && /^[A-Za-z0-9][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/.test(name);
}

/** How a caller names a prompt: a file the runtime's loader reads, or the text itself. */
export type PromptReference =
  | { file: string; source?: undefined; name?: undefined; input?: Record<string, unknown> }
  /** A stored prompt by name, from the loader's store only (see `PromptLoader.loadStored`): what the service accepts. */
  | { name: string; file?: undefined; source?: undefined; input?: Record<string, unknown> }
  | {
      source: string;
      /** Recorded as the prompt's file; default `inline.prompt`. */
      file?: string;
      name?: undefined;
      input?: Record<string, unknown>;
    };

/** A prompt rendered for a turn: its record and the turn settings its front matter gives. */
export interface PromptTurn {
  record: PromptRecord;
  /** The turn's `input` as listings show it: the last user message. */
  input: string;
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** Only these tools are offered. */
  tools?: string[];
  /** The declared answer shape (JSON Schema). */
  output?: OutputSpec;
}

/**
 * Renders `process({ prompt })` (see `createPromptRenderer` in `agentbox/prompt`). An
 * interface here, so the runtime does not import the template engine.
 */
export interface PromptRenderer {
  render(reference: PromptReference): Promise<PromptTurn>;
  /** Where prompt files are read from, when there is such a place. */
  readonly loader?: PromptLoader;
}
