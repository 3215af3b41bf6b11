import { isTerminal, type RunEvent } from '../workflow/run-events.js';
import type { ObservedWorkflowJournal } from './observed-workflow-journal.js';
import { SseStream, type SseSource } from './sse-stream.js';
import type { StreamRegistry } from './stream-registry.js';

export interface WorkflowEventStreamOptions {
  runId: string;
  journal: ObservedWorkflowJournal;
  /** Resume after this seq (from `Last-Event-ID` or `?after=`); 0 for the whole journal. */
  afterSeq: number;
  streams: StreamRegistry;
  capacity: number;
  /** How often to look for writes the watch cannot see (another process runs the run); default 1 s. */
  pollMs?: number;
  pageSize?: number;
}

const encoder = new TextEncoder();

/** The SSE text of one journal event: event name = type, `id` = seq (what `Last-Event-ID` sends back). */
export function runEventText(event: RunEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\nid: ${event.seq}\n\n`;
}

/**
 * A run's journal as an SSE response: the events after `afterSeq`, then each new one as it
 * is stored, ending after the run's last event. Every event is read from the journal, in
 * seq order, one page at a time as the client reads, so a stream has no gap and no
 * duplicate and holds at most one page in memory, and a reconnect with `Last-Event-ID`
 * goes on exactly after the last event it got.
 */
export function workflowEventStream(options: WorkflowEventStreamOptions): Response {
  return new WorkflowEventFeed(options).stream.response;
}

class WorkflowEventFeed implements SseSource {
  readonly stream: SseStream;
  private lastSeq: number;
  private page: RunEvent[] = [];
  private index = 0;
  /** A write happened since the journal was last read. */
  private dirty = true;
  private wake: (() => void) | undefined;
  private readonly detach: () => void;

  constructor(private readonly options: WorkflowEventStreamOptions) {
    this.lastSeq = options.afterSeq;
    this.stream = new SseStream({ source: this, streams: options.streams, capacity: options.capacity });
    this.detach = options.journal.watch(options.runId, () => {
      this.dirty = true;
      this.wake?.();
    });
  }

  /** One event per read of the client; between pages, the journal is read (or waited on). */
  async pull(): Promise<void> {
    const { journal, runId } = this.options;
    while (this.stream.isOpen) {
      const event = this.page[this.index];
      if (event) {
        this.index += 1;
        this.lastSeq = event.seq;
        this.stream.send(encoder.encode(runEventText(event)));
        if (isTerminal(event.type)) this.stream.end();
        return;
      }
      this.dirty = false;
      this.page = await journal.events(runId, { afterSeq: this.lastSeq, limit: this.options.pageSize ?? 500 });
      this.index = 0;
      if (this.page.length > 0) continue;
      // Nothing new: a run that has ended (its last event already sent, or before `afterSeq`) ends the stream.
      if ((await journal.get(runId))?.status !== 'running') return this.stream.end();
      await this.idle();
    }
  }

  release(): void {
    this.detach();
    this.page = [];
    this.wake?.();
  }

  /** Until the next write to the run, the next poll, or the stream's end. */
  private idle(): Promise<void> {
    if (this.dirty) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs ?? 1000);
      this.wake = done;
    });
  }
}
