import type { ChatMessage } from './messages.js';

/**
 * What a turn records of the prompt file it was rendered from (on `turn.started`): enough to
 * say exactly which prompt version and input produced a session, and to fold its messages.
 */
export interface PromptRecord {
  /** The file as the caller named it. */
  file: string;
  /** SHA-256 (hex) of the prompt file's text. */
  hash: string;
  /** The input it was rendered with, defaults applied. */
  input: Record<string, unknown>;
  /** Each partial used, by name, with the SHA-256 of its text. */
  partials?: Record<string, string>;
  /** The rendered messages, without the session's history. */
  messages: ChatMessage[];
  /** Where the session's earlier messages sit among `messages` (Dotprompt's `{{history}}`). */
  historyAt: number;
}
