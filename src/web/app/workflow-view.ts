/**
 * The page's workflow view (`/?view=workflows`, the run in the URL hash): the list of runs,
 * a form to start one, and the open run's tasks as a timeline — each task's state and
 * output — with Approve / Deny on a waiting `listen`, updated live from the run's journal
 * stream. Plain DOM, like the chat.
 */
import type { RunEvent } from '../../workflow/run-events.js';
import { applyToTimeline, emptyTimeline, isWaitingListen, type RunTimeline } from './run-timeline.js';
import type { WorkflowClient } from './workflow-client.js';

export interface WorkflowElements {
  runs: HTMLElement;
  refresh: HTMLButtonElement;
  form: HTMLFormElement;
  definition: HTMLTextAreaElement;
  input: HTMLTextAreaElement;
  run: HTMLElement;
  notice: HTMLElement;
}

export class WorkflowView {
  #runId: string | undefined;
  #follow: AbortController | undefined;
  #timeline: RunTimeline = emptyTimeline();

  constructor(
    private readonly client: WorkflowClient,
    private readonly ui: WorkflowElements,
  ) {
    ui.refresh.addEventListener('click', () => void this.refreshList());
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#start();
    });
    window.addEventListener('hashchange', () => void this.open(location.hash.slice(1) || undefined));
  }

  async start(): Promise<void> {
    await this.refreshList();
    // Not awaited: following a running run lasts until it ends.
    void this.open(location.hash.slice(1) || undefined);
  }

  async refreshList(): Promise<void> {
    try {
      const runs = await this.client.list();
      this.ui.runs.replaceChildren(
        ...runs.map((run) => {
          const item = el('li', { class: run.runId === this.#runId ? 'current' : '' });
          const link = el('a', { href: `#${run.runId}`, 'data-run-id': run.runId, 'data-status': run.status });
          link.textContent = `${run.workflow} · ${run.status}`;
          link.title = `${run.runId} (${run.principal}, ${new Date(run.updatedAt).toLocaleString()})`;
          item.append(link);
          return item;
        }),
      );
      if (runs.length === 0) this.ui.runs.replaceChildren(text('li', 'No runs yet.'));
    } catch (error) {
      this.#notify(error);
    }
  }

  async open(runId: string | undefined): Promise<void> {
    if (runId === this.#runId) return;
    this.#follow?.abort();
    this.#runId = runId;
    this.#timeline = emptyTimeline();
    this.ui.run.replaceChildren();
    if (!runId) return;
    const follow = new AbortController();
    this.#follow = follow;
    this.#render();
    // Every event redraws: runs are short lists of tasks, and the view is then exactly the journal.
    const onEvent = (event: RunEvent): void => {
      applyToTimeline(this.#timeline, event);
      this.#render();
    };
    await this.client.follow(runId, onEvent, follow.signal).catch((error: unknown) => this.#notify(error));
    if (this.#runId === runId) void this.refreshList();
  }

  async #start(): Promise<void> {
    try {
      const text = this.ui.input.value.trim();
      const { runId } = await this.client.start(this.ui.definition.value, text ? (JSON.parse(text) as unknown) : {});
      location.hash = runId;
      await this.refreshList();
    } catch (error) {
      this.#notify(error);
    }
  }

  async #decide(approved: boolean): Promise<void> {
    if (!this.#runId) return;
    for (const button of this.ui.run.querySelectorAll('button')) button.disabled = true;
    await this.client.approve(this.#runId, approved).catch((error: unknown) => this.#notify(error));
  }

  #render(): void {
    const t = this.#timeline;
    const header = el('header', { class: 'run-header' });
    header.append(text('h3', this.#runId ?? ''), el('span', { id: 'run-status', class: `badge ${t.status}`, 'data-status': t.status }));
    (header.lastChild as HTMLElement).textContent = t.status;
    const parts: HTMLElement[] = [header, labelled('Input', t.input)];
    const list = el('ol', { class: 'timeline', 'aria-label': 'Tasks' });
    for (const task of t.tasks.values()) {
      const row = el('li', { class: `task ${task.status}`, 'data-path': task.path, 'data-status': task.status });
      const title = el('div', { class: 'task-title' });
      title.append(text('strong', task.name), text('code', task.path), text('span', task.status));
      (title.lastChild as HTMLElement).className = `badge ${task.status}`;
      row.append(title);
      if (task.input !== undefined) row.append(labelled('Input', task.input));
      if (task.output !== undefined) row.append(labelled('Output', task.output));
      if (task.error) row.append(labelled('Error', task.error));
      if (isWaitingListen(t, task)) {
        const buttons = el('div', { class: 'buttons' });
        const approve = text('button', 'Approve');
        const deny = text('button', 'Deny');
        approve.className = 'approve';
        deny.className = 'deny';
        approve.addEventListener('click', () => void this.#decide(true));
        deny.addEventListener('click', () => void this.#decide(false));
        buttons.append(text('span', 'Waiting for an approval'), approve, deny);
        row.append(buttons);
      }
      list.append(row);
    }
    parts.push(list);
    if (t.status === 'completed') parts.push(labelled('Run output', t.output));
    if (t.error) parts.push(labelled('Run error', t.error));
    this.ui.run.replaceChildren(...parts);
  }

  #notify(error: unknown): void {
    this.ui.notice.textContent = error instanceof Error ? error.message : String(error);
    this.ui.notice.hidden = false;
  }
}

function el(tag: string, attributes: Record<string, string> = {}): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value) node.setAttribute(name, value);
  return node;
}

function text(tag: string, content: string): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = content;
  return node;
}

function labelled(label: string, value: unknown): HTMLElement {
  const box = el('div', { class: 'value', 'data-field': label.toLowerCase().replaceAll(' ', '-') });
  box.append(text('span', label), text('pre', JSON.stringify(value ?? null, null, 2)));
  return box;
}
