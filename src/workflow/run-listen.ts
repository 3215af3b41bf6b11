import { AgentboxError } from '../errors/agentbox-error.js';
import type { Execution, TaskOutcome } from './execution.js';
import type { TaskRun } from './run-task-kind.js';
import { evaluateExpression, evaluateTemplate } from './runtime-expression.js';
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
  const listed = listen.to.one ? [listen.to.one] : (listen.to.any ?? listen.to.all ?? []);
  // `to.any: []` listens to every event: one filter with no conditions.
  const filters = mode === 'any' && listed.length === 0 ? [{}] : listed;
  const { recorder, signal } = execution.options;
  await recorder.flush();
  const matched: Array<InboxEvent | undefined> = filters.map(() => undefined);
  const done = (): boolean => (mode === 'all' ? matched.every(Boolean) : matched.some(Boolean));
  const correlation = await expectedCorrelation(filters, run);
  let after = 0;
  while (!done()) {
    for (const posted of await recorder.inbox(after)) {
      after = posted.seq;
      if (isTakenByOther(recorder.state.consumed.get(posted.seq), run.key)) continue;
      let index = -1;
      for (const [i, f] of filters.entries()) {
        if (matched[i] || !matches(f, posted.event) || !(await correlates(f, posted.event, correlation, run))) continue;
        index = i;
        break;
      }
      if (index < 0) continue;
      // Read again after the awaits above: a concurrent listen (a fork) may have taken it meanwhile.
      const owner = recorder.state.consumed.get(posted.seq);
      if (isTakenByOther(owner, run.key)) continue;
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

const isTakenByOther = (owner: string | undefined, key: string): boolean => owner !== undefined && owner !== key;

/**
 * The values each correlation key must have: a literal `expect`, or an expression evaluated
 * against the listen's input when it starts. A key without `expect` takes the value of the
 * first event that matches it (so `all` gathers events of one order, one conversation).
 */
async function expectedCorrelation(filters: readonly EventFilter[], run: TaskRun): Promise<Map<string, unknown>> {
  const expected = new Map<string, unknown>();
  for (const filter of filters) {
    for (const [name, rule] of Object.entries(filter.correlate ?? {})) {
      if (rule.expect !== undefined && !expected.has(name)) expected.set(name, await evaluateTemplate(rule.expect, run.input, run.scope));
    }
  }
  return expected;
}

/** Whether an event carries the correlation values; the first event fixes a key with no `expect`. */
async function correlates(filter: EventFilter, event: Record<string, unknown>, expected: Map<string, unknown>, run: TaskRun): Promise<boolean> {
  const found = new Map<string, unknown>();
  for (const [name, rule] of Object.entries(filter.correlate ?? {})) {
    const value = await evaluateExpression(rule.from, event, run.scope);
    if (expected.has(name) ? !sameJson(expected.get(name), value) : value === null || value === undefined) return false;
    found.set(name, value);
  }
  for (const [name, value] of found) if (!expected.has(name)) expected.set(name, value);
  return true;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
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
