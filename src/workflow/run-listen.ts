import { AgentboxError } from '../errors/agentbox-error.js';
import type { Execution, TaskOutcome } from './execution.js';
import type { TaskRun } from './run-task-kind.js';
import type { EventFilter, ListenTask } from './workflow-definition.js';
import type { InboxEvent } from './workflow-journal.js';

/** How often a waiting `listen` reads the run's inbox (one indexed query). */
const POLL_MS = 250;

/**
 * `listen`: waits for events posted to the run (`agentbox workflow post`, `engine.postEvent`)
 * — an approval, a webhook's news. `to.one` takes one matching event, `to.any` the first
 * event matching any filter, `to.all` one event per filter. The output is each event's
 * `data` (`read: data`, the default) or the whole event (`read: envelope`); `all` gives a
 * list in filter order.
 *
 * Durable: the listen's start is flushed before it waits, and events live in the run's
 * inbox in the store, so a run that dies while waiting waits again when resumed, and an
 * event posted meanwhile is there for it. Each consumed event is journaled with the
 * listen's key, so no other listen takes it and a resumed `all` keeps what it had.
 */
export async function runListen(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const listen = (run.task as ListenTask).listen;
  const mode = listen.to.one ? 'one' : listen.to.any ? 'any' : 'all';
  const filters = listen.to.one ? [listen.to.one] : (listen.to.any ?? listen.to.all ?? []);
  const { recorder, signal } = execution.options;
  await recorder.flush();
  const matched: Array<InboxEvent | undefined> = filters.map(() => undefined);
  const done = (): boolean => (mode === 'all' ? matched.every(Boolean) : matched.some(Boolean));
  let after = 0;
  while (!done()) {
    for (const posted of await recorder.inbox(after)) {
      after = posted.seq;
      const owner = recorder.state.consumed.get(posted.seq);
      if (owner !== undefined && owner !== run.key) continue;
      const index = filters.findIndex((f, i) => !matched[i] && matches(f, posted.event));
      if (index < 0) continue;
      matched[index] = posted;
      // Recorded at once, with no await since the check: a concurrent listen (a fork) cannot take it too.
      if (owner === undefined) recorder.record({ type: 'event.consumed', key: run.key, inboxSeq: posted.seq });
      if (done()) break;
    }
    if (!done()) await pause(POLL_MS, signal);
  }
  const read = (e: InboxEvent | undefined): unknown => (listen.read === 'envelope' ? e?.event : (e?.event.data ?? null));
  return { output: mode === 'all' ? matched.map(read) : read(matched.find(Boolean)) };
}

/** Every attribute of `with` equals the event's, except `data`, which must be contained in the event's data. */
export function matches(filter: EventFilter, event: Record<string, unknown>): boolean {
  return Object.entries(filter.with ?? {}).every(([key, expected]) => (key === 'data' ? contains(event.data, expected) : event[key] === expected));
}

function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => contains((actual as Record<string, unknown>)[k], v));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (): void => {
      clearTimeout(timer);
      reject(AgentboxError.isInstance(signal.reason) ? signal.reason : new AgentboxError('CANCELLED', 'the run was cancelled'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', fail);
      resolve();
    }, ms);
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}
