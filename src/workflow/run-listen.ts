import { AgentboxError } from '../errors/agentbox-error.js';
import { Correlation, matchesFilter } from './event-filter.js';
import type { Execution, Frame, TaskOutcome } from './execution.js';
import type { TaskRun } from './run-task-kind.js';
import { evaluateCondition, evaluateTemplate } from './runtime-expression.js';
import type { EventConsumption, EventFilter, ListenTask, SubscriptionIterator } from './workflow-definition.js';
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
 * `to.any` with `to.until` listens to a stream: it takes every matching event, in the order
 * posted, until the `until` expression (on the list taken so far) is true, or until the
 * events of the `until` consumption have come (those are not part of the output); the output
 * is the list. `foreach` runs its `do` for each taken event in turn (`$item`/`$index`, or the
 * names `item`/`at` give; the iteration's input is the event), and the output lists each
 * event, or `foreach.output.as` of the iteration's output.
 *
 * Durable: the listen's start is flushed before it waits, and events live in the run's
 * inbox in the store, so a run that dies while waiting waits again when resumed, and an
 * event posted meanwhile is there for it. Each consumed event is journaled with the
 * listen's key, so no other listen takes it and a resumed listen takes the same events
 * again, in the same order; the `foreach` iterations that finished are replayed.
 */
export async function runListen(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const task = run.task as ListenTask;
  const { to } = task.listen;
  const streaming = to.any !== undefined && to.until !== undefined;
  const main = await Consumption.open(to, run);
  const until = to.until !== undefined && typeof to.until === 'object' ? await Consumption.open(to.until, run) : undefined;
  const read = (e: InboxEvent): unknown => (task.listen.read === 'envelope' ? e.event : (e.event.data ?? null));
  const { recorder, signal } = execution.options;
  await recorder.flush();
  const taken: InboxEvent[] = [];
  const entries: unknown[] = [];
  let finished = false;
  let after = 0;
  let unflushed = false;
  while (!finished) {
    if (unflushed) {
      // What a stream took so far is journaled before it waits again: a restart keeps it.
      await recorder.flush();
      unflushed = false;
    }
    for (const posted of await recorder.inbox(after)) {
      after = posted.seq;
      if (isTakenByOther(recorder.state.consumed.get(posted.seq), run.key)) continue;
      const untilSlot = until ? await until.slotFor(posted, run) : -1;
      const mainSlot = untilSlot < 0 ? await main.slotFor(posted, run, streaming) : -1;
      if (untilSlot < 0 && mainSlot < 0) continue;
      // Read again after the awaits above: a concurrent listen (a fork) may have taken it meanwhile.
      const owner = recorder.state.consumed.get(posted.seq);
      if (isTakenByOther(owner, run.key)) continue;
      // Recorded at once, with no await since the check: a concurrent listen cannot take it too.
      if (owner === undefined) recorder.record({ type: 'event.consumed', key: run.key, inboxSeq: posted.seq });
      unflushed = true;
      if (untilSlot >= 0) {
        until?.fill(untilSlot, posted);
        finished = until?.done() ?? false;
      } else if (streaming) {
        taken.push(posted);
        if (task.foreach) entries.push(await iterate(execution, run, task.foreach, read(posted), taken.length - 1));
        if (typeof to.until === 'string') finished = await evaluateCondition(to.until, taken.map(read), run.scope);
      } else {
        main.fill(mainSlot, posted);
        finished = main.done();
      }
      if (finished) break;
    }
    if (!finished) await pause(POLL_MS, signal);
  }
  if (streaming) return { output: task.foreach ? entries : taken.map(read) };
  const events = main.events();
  if (task.foreach) {
    for (const [index, event] of events.entries()) entries.push(await iterate(execution, run, task.foreach, read(event), index));
    return { output: entries };
  }
  return { output: to.all ? events.map(read) : read(events[0] as InboxEvent) };
}

/** One consumption strategy's progress: a slot per filter (`one`, `all`) or any filter (`any`). */
class Consumption {
  private readonly matched: Array<InboxEvent | undefined>;

  private constructor(
    private readonly mode: 'one' | 'any' | 'all',
    private readonly filters: readonly EventFilter[],
    private readonly correlation: Correlation,
  ) {
    this.matched = filters.map(() => undefined);
  }

  static async open(to: EventConsumption, run: TaskRun): Promise<Consumption> {
    const mode = to.one ? 'one' : to.any ? 'any' : 'all';
    const listed = to.one ? [to.one] : (to.any ?? to.all ?? []);
    // `any: []` listens to every event: one filter with no conditions.
    const filters = mode === 'any' && listed.length === 0 ? [{}] : listed;
    return new Consumption(mode, filters, await Correlation.start(filters, run.input, run.scope));
  }

  /** The slot the event would fill, or -1; `reuse` keeps filled slots open (a stream). */
  async slotFor(posted: InboxEvent, run: TaskRun, reuse = false): Promise<number> {
    for (const [i, filter] of this.filters.entries()) {
      if (!reuse && this.matched[i]) continue;
      if ((await matchesFilter(filter, posted.event, run.scope)) && (await this.correlation.admits(filter, posted.event, run.scope))) return i;
    }
    return -1;
  }

  fill(slot: number, posted: InboxEvent): void {
    this.matched[slot] = posted;
  }

  done(): boolean {
    return this.mode === 'all' ? this.matched.every(Boolean) : this.matched.some(Boolean);
  }

  /** The taken events: in filter order for `all`, the one taken otherwise. */
  events(): InboxEvent[] {
    return this.matched.filter((e): e is InboxEvent => e !== undefined);
  }
}

/** One `foreach` iteration over a taken event; its tasks are journaled under `…/foreach/do` with `[index]`. */
async function iterate(execution: Execution, run: TaskRun, foreach: SubscriptionIterator, item: unknown, index: number): Promise<unknown> {
  const variables = { ...run.frame.variables, [foreach.item ?? 'item']: item, [foreach.at ?? 'index']: index };
  const frame: Frame = {
    suffix: `${run.frame.suffix}[${index}]`,
    stableSuffix: `${run.frame.stableSuffix}[${index}]`,
    variables,
    context: run.frame.context,
  };
  const output = Array.isArray(foreach.do) ? (await execution.runList(foreach.do, `${run.path}/foreach/do`, item, frame)).output : item;
  const args = { ...run.scope.args, ...variables, context: frame.context.value ?? null, output };
  const entry = foreach.output?.as !== undefined ? await evaluateTemplate(foreach.output.as, output, { ...run.scope, args }) : item;
  if (foreach.export?.as !== undefined)
    frame.context.value = await evaluateTemplate(foreach.export.as, entry, { ...run.scope, args: { ...args, output: entry } });
  return entry;
}

const isTakenByOther = (owner: string | undefined, key: string): boolean => owner !== undefined && owner !== key;

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
