/**
 * Draws a session from its events — the stored log after a reload and the live stream
 * alike — into the transcript list: user messages, the answer as it streams, and one card
 * per tool call with its arguments, result, duration and permission decision. DOM only,
 * no framework: text goes in through `textContent`, never as HTML.
 */
import type { AgentEvent } from '../../engine/events.js';
import type { ElicitationAction, ElicitationContent } from '../../engine/elicitation.js';
import { elicitationForm } from './elicitation-form.js';

export interface TranscriptActions {
  decide(callId: string, approved: boolean): void;
  /** Answers a tool's form (MCP elicitation); rejects with the reason it was refused, and the form stays. */
  answerElicitation(id: string, answer: { action: ElicitationAction; content?: ElicitationContent }): Promise<void>;
}

interface ToolCard {
  root: HTMLElement;
  /** The policy's verdict, if a policy decided; an approval is shown after it. */
  auth: string | undefined;
  permission: HTMLElement;
  result: HTMLElement;
  duration: HTMLElement;
  approval?: HTMLElement;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function withAuth(card: ToolCard, text: string): string {
  return card.auth ? `${card.auth}; ${text}` : text;
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

export class TranscriptView {
  readonly #tools = new Map<string, ToolCard>();
  /** auth.allowed/denied carry the tool's permission, not the call: it is matched to the next call of that tool. */
  readonly #authByTool = new Map<string, string[]>();
  /** Forms on show, by elicitation id: an `elicitation.answered` (stored or live) takes its form away. */
  readonly #forms = new Map<string, HTMLFormElement>();
  #answer: HTMLElement | undefined;

  constructor(
    private readonly list: HTMLElement,
    private readonly actions: TranscriptActions,
  ) {}

  clear(): void {
    this.list.replaceChildren();
    this.#tools.clear();
    this.#authByTool.clear();
    this.#forms.clear();
    this.#answer = undefined;
  }

  /** Applies one event, stored or live; a stored approval.decided removes the buttons its request drew. */
  apply(event: AgentEvent): void {
    switch (event.type) {
      case 'turn.started':
        this.#answer = undefined;
        this.#add(element('li', 'message user', event.input), 'You');
        break;
      case 'llm.text-delta':
        this.#currentAnswer().textContent += event.text;
        break;
      case 'llm.completed':
        if (event.text) this.#currentAnswer().textContent = event.text;
        this.#answer?.classList.remove('streaming');
        // The next step writes a new bubble, below this step's tool calls.
        this.#answer = undefined;
        break;
      case 'auth.allowed':
      case 'auth.denied': {
        const name = event.permission.replace(/^tool:invoke:/, '');
        // The reason names the rule already; the rule alone is the fallback.
        const why = event.reason ? `: ${event.reason}` : event.rule ? ` by rule ${event.rule}` : '';
        const text = `${event.type === 'auth.allowed' ? 'allowed' : 'denied'} for ${event.principal}${why}`;
        const queue = this.#authByTool.get(name) ?? [];
        queue.push(text);
        this.#authByTool.set(name, queue);
        break;
      }
      case 'approval.requested': {
        const card = this.#card(event.callId, event.name, event.arguments);
        card.permission.textContent = withAuth(card, 'waiting for your approval');
        card.root.classList.add('pending');
        this.#askApproval(card, event.callId, event.name);
        break;
      }
      case 'approval.decided': {
        const card = this.#tools.get(event.callId);
        if (!card) break;
        card.approval?.remove();
        card.root.classList.remove('pending');
        card.permission.textContent = withAuth(card, `${event.approved ? 'approved' : 'denied'} by ${event.by}${event.reason ? `: ${event.reason}` : ''}`);
        break;
      }
      case 'elicitation.requested': {
        const card = this.#card(event.callId, event.name, '');
        if (this.#forms.has(event.id)) break;
        const form = elicitationForm({ ...event, answer: (answer) => this.actions.answerElicitation(event.id, answer) });
        card.root.append(form);
        this.#forms.set(event.id, form);
        form.querySelector<HTMLElement>('input, select, button')?.focus();
        break;
      }
      case 'elicitation.answered': {
        this.#forms.get(event.id)?.remove();
        this.#forms.delete(event.id);
        const card = this.#tools.get(event.callId);
        const verb = { accept: 'answered', decline: 'declined', cancel: 'cancelled' }[event.action];
        card?.root.append(element('p', 'elicitation-answer', `Form ${verb} by ${event.by}`));
        break;
      }
      case 'tool.started':
        this.#card(event.callId, event.name, event.arguments).root.classList.add('running');
        break;
      case 'tool.completed': {
        const card = this.#card(event.callId, event.name, '');
        card.root.classList.remove('running');
        card.root.classList.add(event.ok ? 'ok' : 'failed');
        card.result.textContent = pretty(event.output);
        // Sub-10 ms calls keep a decimal: "0 ms" would read as "did not run".
        card.duration.textContent = `${event.durationMs < 10 ? event.durationMs.toFixed(1) : Math.round(event.durationMs)} ms`;
        break;
      }
      case 'turn.failed':
        this.#add(element('li', 'message error', `${event.error.code}: ${event.error.message}`), 'Error').setAttribute('role', 'alert');
        break;
      case 'turn.cancelled':
        this.#add(element('li', 'message notice', `Cancelled: ${event.reason}`), 'Notice');
        break;
      default:
        break;
    }
  }

  #add(item: HTMLElement, label: string): HTMLElement {
    item.setAttribute('aria-label', label);
    this.list.append(item);
    item.scrollIntoView?.({ block: 'end' });
    return item;
  }

  #currentAnswer(): HTMLElement {
    if (!this.#answer) {
      this.#answer = this.#add(element('li', 'message assistant streaming'), 'Assistant');
    }
    return this.#answer;
  }

  #card(callId: string, name: string, args: string): ToolCard {
    const existing = this.#tools.get(callId);
    if (existing) return existing;
    const root = element('li', 'tool-call');
    root.dataset.callId = callId;
    root.dataset.name = name;
    const heading = element('h3', 'tool-name', name);
    const facts = element('dl', 'tool-facts');
    const row = (term: string, value: HTMLElement): HTMLElement => {
      const definition = element('dd');
      definition.append(value);
      facts.append(element('dt', undefined, term), definition);
      return value;
    };
    const argsNode = row('Arguments', element('pre', 'tool-args', pretty(args)));
    argsNode.tabIndex = 0;
    const auth = this.#authByTool.get(name)?.shift();
    const permission = row('Permission', element('span', 'tool-permission', auth ?? 'allowed (no policy)'));
    const result = row('Result', element('pre', 'tool-result', '…'));
    const duration = row('Duration', element('span', 'tool-duration', '…'));
    root.append(heading, facts);
    this.#add(root, `Tool call ${name}`);
    const card = { root, auth, permission, result, duration };
    this.#tools.set(callId, card);
    // A new answer bubble after the card keeps the transcript in the order things happened.
    this.#answer = undefined;
    return card;
  }

  #askApproval(card: ToolCard, callId: string, name: string): void {
    if (card.approval) return;
    const group = element('div', 'approval');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', `Approve the call to ${name}?`);
    const approve = element('button', 'approve', 'Approve');
    const deny = element('button', 'deny', 'Deny');
    approve.type = deny.type = 'button';
    const decide = (approved: boolean): void => {
      approve.disabled = deny.disabled = true;
      this.actions.decide(callId, approved);
    };
    approve.addEventListener('click', () => decide(true));
    deny.addEventListener('click', () => decide(false));
    group.append(element('span', undefined, `${name} wants to run. `), approve, deny);
    card.root.append(group);
    card.approval = group;
    approve.focus();
  }
}
