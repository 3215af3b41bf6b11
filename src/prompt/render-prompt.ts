import { Dotprompt, type Message } from 'dotprompt';
import { AgentboxError } from '../errors/agentbox-error.js';
import { formatIssues } from '../errors/validation-issue.js';
import type { PromptRecord } from '../engine/prompt-record.js';
import { hashText } from './hash-text.js';
import { parsePromptFile, type PromptFile } from './parse-prompt-file.js';
import { promptInvalid } from './prompt-error.js';
import type { PromptSource } from './prompt-source.js';
import { toChatMessages } from './to-chat-messages.js';
import { validateJson } from './validate-json.js';

export interface RenderedPrompt {
  prompt: PromptFile;
  record: PromptRecord;
}

export interface RenderPromptOptions {
  prompt: PromptSource;
  input?: Record<string, unknown>;
  /** Finds `{{> name}}`; default: no partials. */
  loadPartial?: (name: string) => Promise<string | undefined>;
}

// A stand-in history message: where Dotprompt puts it is where the session's history goes.
// Found by its text: Dotprompt marks history with metadata only when the template says {{history}}.
const historyMark = '<<<agentbox:history:7f3a>>>';
const isHistoryMark = (message: Message): boolean => message.content.some((part) => part.text === historyMark);

/**
 * Renders a Dotprompt file: checks the front matter, validates the input against the declared
 * schema before rendering (INVALID_INPUT naming each field), renders with partials, and says
 * where the history belongs. Templates run with Handlebars' `knownHelpersOnly` (Dotprompt's
 * setting): a template calls only the built-in helpers and cannot run code.
 *
 * @example
 * const { record } = await renderPrompt({ prompt: { file: 'greet.prompt', source }, input: { name: 'Ann' } });
 * record.messages; // [{ role: 'system', content: '…' }, { role: 'user', content: 'Hello, I am Ann.' }]
 */
export async function renderPrompt(options: RenderPromptOptions): Promise<RenderedPrompt> {
  const prompt = await parsePromptFile(options.prompt);
  const input = { ...prompt.inputDefault, ...options.input };
  if (prompt.inputSchema) {
    const issues = validateJson(prompt.inputSchema, input);
    if (issues.length > 0) {
      throw new AgentboxError('INVALID_INPUT', formatIssues(issues, { heading: `the input does not match the input schema of ${prompt.file}` }), {
        details: { issues },
      });
    }
  }
  const partials: Record<string, string> = {};
  const missing: string[] = [];
  const dotprompt = new Dotprompt({
    partialResolver: async (name) => {
      const text = await options.loadPartial?.(name);
      if (text === undefined) {
        missing.push(name);
        return null;
      }
      partials[name] = await hashText(text);
      return text;
    },
  });
  let rendered: Message[];
  try {
    const history: Message[] = [{ role: 'user', content: [{ text: historyMark }] }];
    rendered = (await dotprompt.render(prompt.source, { input, messages: history })).messages;
  } catch (error) {
    const issue = missing.length > 0 ? { path: `partials.${missing[0]}`, message: `no partial named ${missing[0]} (a file _${missing[0]}.prompt)` } : undefined;
    throw promptInvalid(prompt.file, [issue ?? { path: '(template)', message: error instanceof Error ? error.message : String(error) }], error);
  }
  const historyAt = rendered.findIndex(isHistoryMark);
  const own = rendered.filter((_, index) => index !== historyAt);
  const { messages, issues } = toChatMessages(own);
  if (issues.length > 0) throw promptInvalid(prompt.file, issues);
  if (messages.length === 0) throw promptInvalid(prompt.file, [{ path: '(template)', message: 'renders no message' }]);
  // Index in `messages`: empty messages were dropped, so count the kept ones before the mark.
  const at = historyAt < 0 ? messages.length : toChatMessages(own.slice(0, historyAt)).messages.length;
  const record: PromptRecord = {
    file: prompt.file,
    hash: prompt.hash,
    input,
    ...(Object.keys(partials).length > 0 ? { partials } : {}),
    messages,
    historyAt: at,
  };
  return { prompt, record };
}
