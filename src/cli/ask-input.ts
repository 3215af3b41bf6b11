import { createInterface } from 'node:readline/promises';
import { checkElicitationAnswer, fieldChoiceLabels, fieldChoices } from '../agent/tools/check-elicitation-answer.js';
import type { ElicitationAnswer, ElicitationContent, ElicitationField, ElicitationRequest, ElicitationValue } from '../engine/elicitation.js';

export interface TerminalInputOptions {
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
  /** Called before the form is shown (so a renderer can clear its status line). */
  beforeAsk?: () => void;
  /** Asks through a readline the caller already has (chat); `signal` aborts when the question is withdrawn. */
  ask?: (question: string, signal: AbortSignal) => Promise<string>;
}

export type InputAsker = (request: ElicitationRequest, signal: AbortSignal) => Promise<ElicitationAnswer>;

/**
 * MCP elicitation on a terminal: shows the server's message, asks each field in turn (its
 * type, choices, default, whether it is required, re-asking until the value fits), then
 * whether to send. Without a terminal there is nobody to ask: undefined, and the request is
 * refused with a clear error.
 */
export function terminalInputAsker(options: TerminalInputOptions = {}): InputAsker | undefined {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  if (!options.ask && !input.isTTY) return undefined;
  const ask =
    options.ask ??
    (async (question: string, signal: AbortSignal): Promise<string> => {
      const rl = createInterface({ input, output });
      try {
        return await rl.question(question, { signal });
      } finally {
        rl.close();
      }
    });
  const write = (text: string): void => void output.write(text);
  return async (request, signal) => {
    options.beforeAsk?.();
    const from = request.server ? `MCP server '${request.server}'` : `tool ${request.name}`;
    write(`\n${from} asks: ${request.message}\n`);
    if (request.url !== undefined) {
      // URL mode: the page is shown in full, never opened for the person; they say when they are done.
      write(`Open this page to continue (check where it leads first): ${request.url}\n`);
      const done = (await ask('Done? [Y]es / [n]o, decline / [c]ancel: ', signal)).trim().toLowerCase();
      if (/^n(o)?$|^decline$/.test(done)) return { action: 'decline', by: 'cli user' };
      if (/^c(ancel)?$/.test(done)) return { action: 'cancel', by: 'cli user' };
      return { action: 'accept', by: 'cli user' };
    }
    const start = (await ask('Answer? [Y]es / [n]o, decline / [c]ancel: ', signal)).trim().toLowerCase();
    if (/^n(o)?$|^decline$/.test(start)) return { action: 'decline', by: 'cli user' };
    if (/^c(ancel)?$/.test(start)) return { action: 'cancel', by: 'cli user' };
    const content: ElicitationContent = {};
    const required = new Set(request.requestedSchema.required ?? []);
    for (const [name, field] of Object.entries(request.requestedSchema.properties)) {
      const value = await askField({ name, field, required: required.has(name), ask: (q) => ask(q, signal), write });
      if (value !== undefined) content[name] = value;
    }
    write(`${JSON.stringify(content, null, 2)}\n`);
    const send = (await ask(`Send this to ${from}? [Y/n] `, signal)).trim();
    if (/^n(o)?$/i.test(send)) return { action: 'cancel', by: 'cli user' };
    return { action: 'accept', content, by: 'cli user' };
  };
}

interface FieldQuestion {
  name: string;
  field: ElicitationField;
  required: boolean;
  ask: (question: string) => Promise<string>;
  write: (text: string) => void;
}

/** One field, asked until the answer fits it; empty takes the default, or skips an optional field. */
async function askField(q: FieldQuestion): Promise<ElicitationValue | undefined> {
  const { field } = q;
  const choices = fieldChoices(field);
  const labels = fieldChoiceLabels(field);
  const title = field.title && field.title !== q.name ? ` (${field.title})` : '';
  q.write(`${q.name}${title}${field.description ? `: ${field.description}` : ''}\n`);
  if (choices) q.write(`${choices.map((c, i) => `  ${i + 1}) ${labels[i] ?? c}`).join('\n')}\n`);
  const hint = [
    kindOf(field),
    q.required ? 'required' : 'optional',
    field.default !== undefined ? `default ${Array.isArray(field.default) ? field.default.join(', ') : String(field.default)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  for (;;) {
    const text = (await q.ask(`  ${q.name} [${hint}]: `)).trim();
    if (text === '') {
      if (field.default !== undefined) return field.default;
      if (!q.required) return undefined;
      q.write('  this field is required\n');
      continue;
    }
    const value = parseValue(field, text, choices);
    const problem =
      value === undefined
        ? `expected ${kindOf(field)}`
        : checkElicitationAnswer({ type: 'object', properties: { [q.name]: field } }, { action: 'accept', content: { [q.name]: value } })[0]?.message;
    if (!problem) return value;
    q.write(`  ${problem}\n`);
  }
}

function kindOf(field: ElicitationField): string {
  if (field.type === 'array') return 'choices by number or name, comma-separated';
  if (fieldChoices(field)) return 'a choice by number or name';
  if (field.type === 'boolean') return 'y/n';
  if (field.type === 'string') return ('format' in field && field.format) || 'text';
  const range = [field.minimum !== undefined ? `≥ ${field.minimum}` : '', field.maximum !== undefined ? `≤ ${field.maximum}` : ''].filter(Boolean).join(' ');
  return range ? `${field.type} ${range}` : field.type;
}

/** The typed text as the field's value: undefined when it cannot be one. */
function parseValue(field: ElicitationField, text: string, choices: string[] | undefined): ElicitationValue | undefined {
  const pick = (part: string): string => {
    const n = Number(part);
    return choices && Number.isInteger(n) && n >= 1 && n <= choices.length ? (choices[n - 1] as string) : part;
  };
  if (field.type === 'array') {
    return text
      .split(',')
      .map((p) => pick(p.trim()))
      .filter(Boolean);
  }
  if (choices) return pick(text);
  if (field.type === 'boolean') return /^y(es)?$|^true$/i.test(text) ? true : /^no?$|^false$/i.test(text) ? false : undefined;
  if (field.type === 'number' || field.type === 'integer') {
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  }
  return text;
}
