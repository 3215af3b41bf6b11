/**
 * A running tool's form (an MCP server's elicitation, from `elicitation.requested`) as an
 * HTML form: an input per field by its type (a select for choices, a number input with its
 * bounds, a checkbox for yes/no), required fields marked, defaults filled in; Send, Decline
 * and Cancel. The page checks what the browser can; the runtime checks the answer against
 * the form again, and a refusal is shown under it with the form left to correct.
 */
import { fieldChoiceLabels, fieldChoices } from '../../agent/tools/check-elicitation-answer.js';
import type { ElicitationAction, ElicitationContent, ElicitationField, ElicitationSchema } from '../../engine/elicitation.js';

export interface ElicitationFormOptions {
  id: string;
  server?: string;
  name: string;
  message: string;
  requestedSchema: ElicitationSchema;
  /** URL mode: the page to open; Send reads Done and carries no content. */
  url?: string;
  /** Sends the answer; rejects with the reason it was refused. */
  answer: (answer: { action: ElicitationAction; content?: ElicitationContent }) => Promise<void>;
}

const inputTypes = { email: 'email', uri: 'url', date: 'date', 'date-time': 'datetime-local' } as const;

type FieldInput = { read: () => ElicitationContent[string] | undefined };

function make<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function elicitationForm(options: ElicitationFormOptions): HTMLFormElement {
  const form = make('form', 'elicitation');
  form.dataset.elicitationId = options.id;
  const asker = options.server ? `MCP server '${options.server}'` : options.name;
  form.setAttribute('aria-label', `${asker} asks for input`);
  form.append(make('p', 'elicitation-message', `${asker} asks: ${options.message}`));
  if (options.url !== undefined) {
    // URL mode: the whole address is shown and opened only by the person's click.
    const line = make('p', 'elicitation-url', 'Open ');
    const link = make('a', undefined, options.url);
    link.href = options.url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    line.append(link, ', then press Done.');
    form.append(line);
  }
  const required = new Set(options.requestedSchema.required ?? []);
  const inputs = new Map<string, FieldInput>();
  for (const [index, [name, field]] of Object.entries(options.requestedSchema.properties).entries()) {
    const id = `elicit-${options.id}-${index}`;
    const row = make('div', 'elicitation-field');
    const label = make('label', undefined, field.title ?? name);
    label.htmlFor = id;
    if (required.has(name)) {
      label.append(make('span', 'required', ' *'));
      row.classList.add('is-required');
    }
    const { control, read } = fieldControl(field, required.has(name));
    control.id = id;
    control.name = name;
    row.append(label, control);
    if (field.description) {
      const hint = make('small', 'elicitation-hint', field.description);
      hint.id = `${id}-hint`;
      control.setAttribute('aria-describedby', hint.id);
      row.append(hint);
    }
    form.append(row);
    inputs.set(name, { read });
  }
  const problem = make('p', 'elicitation-error');
  problem.setAttribute('role', 'alert');
  const send = make('button', 'approve', options.url !== undefined ? 'Done' : 'Send');
  send.type = 'submit';
  const decline = make('button', 'deny', 'Decline');
  const cancel = make('button', undefined, 'Cancel');
  decline.type = cancel.type = 'button';
  const buttons = make('div', 'approval');
  buttons.append(send, decline, cancel);
  form.append(buttons, problem);

  const submit = async (answer: { action: ElicitationAction; content?: ElicitationContent }): Promise<void> => {
    send.disabled = decline.disabled = cancel.disabled = true;
    problem.textContent = '';
    try {
      await options.answer(answer);
    } catch (error) {
      problem.textContent = error instanceof Error ? error.message : String(error);
      send.disabled = decline.disabled = cancel.disabled = false;
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const content: ElicitationContent = {};
    for (const [name, input] of inputs) {
      const value = input.read();
      if (value !== undefined) content[name] = value;
    }
    void submit(options.url !== undefined ? { action: 'accept' } : { action: 'accept', content });
  });
  decline.addEventListener('click', () => void submit({ action: 'decline' }));
  cancel.addEventListener('click', () => void submit({ action: 'cancel' }));
  return form;
}

/** The input for one field, and how to read its value (undefined: left empty). */
function fieldControl(field: ElicitationField, required: boolean): { control: HTMLInputElement | HTMLSelectElement; read: FieldInput['read'] } {
  const choices = fieldChoices(field);
  if (choices) {
    const select = make('select');
    const labels = fieldChoiceLabels(field);
    const multiple = field.type === 'array';
    select.multiple = multiple;
    if (!multiple && !required) select.append(make('option', undefined, '—'));
    for (const [i, value] of choices.entries()) {
      const option = make('option', undefined, labels[i] ?? value);
      option.value = value;
      const chosen = Array.isArray(field.default) ? field.default.includes(value) : field.default === value;
      option.selected = chosen;
      select.append(option);
    }
    if (!multiple && !required && field.default === undefined) (select.options[0] as HTMLOptionElement).value = '';
    select.required = required;
    const read = (): ElicitationContent[string] | undefined => {
      if (multiple) {
        const picked = [...select.selectedOptions].map((o) => o.value);
        return picked.length > 0 || required ? picked : undefined;
      }
      return select.value === '' ? undefined : select.value;
    };
    return { control: select, read };
  }
  const input = make('input');
  input.required = required;
  if (field.type === 'boolean') {
    input.type = 'checkbox';
    input.required = false;
    input.checked = field.default === true;
    return { control: input, read: () => input.checked };
  }
  if (field.type === 'number' || field.type === 'integer') {
    input.type = 'number';
    input.step = field.type === 'integer' ? '1' : 'any';
    if (field.minimum !== undefined) input.min = String(field.minimum);
    if (field.maximum !== undefined) input.max = String(field.maximum);
    if (field.default !== undefined) input.value = String(field.default);
    return { control: input, read: () => (input.value === '' ? undefined : Number(input.value)) };
  }
  const string = field as Extract<ElicitationField, { format?: string }>;
  input.type = string.format ? inputTypes[string.format] : 'text';
  if (string.minLength !== undefined) input.minLength = string.minLength;
  if (string.maxLength !== undefined) input.maxLength = string.maxLength;
  if (typeof string.default === 'string') input.value = string.default;
  return { control: input, read: () => (input.value === '' ? undefined : input.value) };
}
