/**
 * The page's controller: the session list, the transcript of the open session, the message
 * form and the notice line. The open session's id lives in the URL hash, so a reload
 * reopens it; the list comes from the backend's store, so it survives reloads too.
 */
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { SessionSummary } from '../../engine/session.js';
import type { ChatBackend } from './chat-backend.js';
import { TranscriptView } from './transcript-view.js';

export interface ChatElements {
  sessions: HTMLElement;
  newSession: HTMLButtonElement;
  transcript: HTMLElement;
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  send: HTMLButtonElement;
  cancel: HTMLButtonElement;
  notice: HTMLElement;
  status: HTMLElement;
}

export class ChatApp {
  readonly #view: TranscriptView;
  #sessionId: string | undefined;
  #busy = false;

  constructor(
    private readonly backend: ChatBackend,
    private readonly ui: ChatElements,
  ) {
    this.#view = new TranscriptView(ui.transcript, {
      decide: (callId, approved) => void this.#decide(callId, approved),
      answerElicitation: async (id, answer) => {
        if (this.#sessionId) await this.backend.answerElicitation(this.#sessionId, id, answer);
      },
    });
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    // Enter sends, Shift+Enter starts a new line: what chat users expect.
    ui.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.form.requestSubmit();
      }
    });
    ui.newSession.addEventListener('click', () => void this.open(undefined));
    ui.cancel.addEventListener('click', () => {
      if (this.#sessionId) void this.backend.cancel(this.#sessionId).catch((error: unknown) => this.#notify(error));
    });
    window.addEventListener('hashchange', () => {
      const id = location.hash.slice(1) || undefined;
      if (id !== this.#sessionId) void this.open(id);
    });
  }

  async start(): Promise<void> {
    try {
      const status = await this.backend.status();
      this.ui.status.textContent = status.description;
      if (!status.llmConfigured) this.#notify(status.hint ?? 'No LLM endpoint is configured.', 'warning');
    } catch (error) {
      this.#notify(error);
    }
    await this.#refreshList();
    await this.open(location.hash.slice(1) || undefined);
  }

  /** Shows a stored session, or an empty transcript for a new one. */
  async open(sessionId: string | undefined): Promise<void> {
    this.#sessionId = sessionId;
    this.#view.clear();
    if (sessionId && location.hash.slice(1) !== sessionId) history.replaceState(null, '', `#${sessionId}`);
    if (!sessionId && location.hash) history.replaceState(null, '', location.pathname + location.search);
    this.#markCurrent();
    if (!sessionId) return;
    try {
      for (const event of await this.backend.events(sessionId)) this.#view.apply(event);
    } catch (error) {
      this.#notify(error);
    }
  }

  async send(): Promise<void> {
    const input = this.ui.input.value.trim();
    if (!input || this.#busy) return;
    this.#setBusy(true);
    this.ui.input.value = '';
    try {
      if (!this.#sessionId) {
        const session = await this.backend.createSession();
        await this.open(session.id);
      }
      const sessionId = this.#sessionId as string;
      let listed = false;
      await this.backend.send(sessionId, input, (event) => {
        if (sessionId !== this.#sessionId) return;
        this.#view.apply(event);
        if (event.type === 'turn.failed') this.#explainFailure(event.error.code, event.error.message);
        // A new session appears in the list as soon as it has a title.
        if (event.type === 'turn.started' && !listed) {
          listed = true;
          void this.#refreshList();
        }
      });
    } catch (error) {
      this.#notify(error);
    } finally {
      this.#setBusy(false);
      await this.#refreshList();
      this.ui.input.focus();
    }
  }

  async #decide(callId: string, approved: boolean): Promise<void> {
    if (!this.#sessionId) return;
    try {
      await this.backend.decide(this.#sessionId, callId, approved);
    } catch (error) {
      this.#notify(error);
    }
  }

  async #refreshList(): Promise<void> {
    let sessions: SessionSummary[];
    try {
      sessions = await this.backend.listSessions();
    } catch (error) {
      this.#notify(error);
      return;
    }
    const items = sessions.map((summary) => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = `#${summary.id}`;
      link.dataset.sessionId = summary.id;
      link.textContent = summary.title || 'New chat';
      link.title = `${summary.state}, updated ${new Date(summary.updatedAt).toLocaleString()}`;
      item.append(link);
      return item;
    });
    this.ui.sessions.replaceChildren(...items);
    this.#markCurrent();
  }

  #markCurrent(): void {
    for (const link of this.ui.sessions.querySelectorAll<HTMLAnchorElement>('a[data-session-id]')) {
      if (link.dataset.sessionId === this.#sessionId) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  #setBusy(busy: boolean): void {
    this.#busy = busy;
    this.ui.send.disabled = busy;
    this.ui.cancel.hidden = !busy;
    this.ui.transcript.setAttribute('aria-busy', String(busy));
  }

  #explainFailure(code: string, message: string): void {
    if (code === 'CONFIG_INVALID' || code === 'LLM_UNREACHABLE') this.#notify(message, 'warning');
  }

  #notify(problem: unknown, level: 'error' | 'warning' = 'error'): void {
    const text =
      typeof problem === 'string'
        ? problem
        : AgentboxError.isInstance(problem)
          ? `${problem.code}: ${problem.message}`
          : problem instanceof Error
            ? problem.message
            : String(problem);
    this.ui.notice.textContent = text;
    this.ui.notice.dataset.level = level;
    this.ui.notice.hidden = false;
  }
}
