import type { AgentEvent } from '../../engine/events.js';
import type { SessionState } from '../../engine/session-state.js';
import { applyEvent, emptySession, foldEvents, summarize, type Session } from '../../engine/session.js';
import { prepareAppend } from '../../store/prepare-append.js';
import type { EventRow, SessionHeadRow, Statements, SummaryRow } from './sqlite-statements.js';

/** Refresh the snapshot once the tail holds this many events (more for a large snapshot)... */
export const snapshotMinTailEvents = 64;
/** ...or once the tail is as large as the snapshot (never below this many characters). */
export const snapshotMinTailSize = 64 * 1024;

/**
 * Whether to rewrite the stored snapshot now. Both limits grow with the snapshot, so each
 * rewrite is paid for by at least its own size in appended data or about 1 KiB of snapshot
 * per appended event: writing a long session stays linear, not quadratic, and `load` never
 * folds more tail than a small multiple of the snapshot it parses.
 */
export function shouldRefreshSnapshot(tailEvents: number, tailSize: number, snapshotSize: number): boolean {
  return tailEvents >= Math.max(snapshotMinTailEvents, snapshotSize / 1024) || tailSize >= Math.max(snapshotSize, snapshotMinTailSize);
}

export function eventFromRow(sessionId: string, row: EventRow): AgentEvent {
  return { sessionId, seq: row.seq, time: row.time, type: row.type, ...JSON.parse(row.data) } as AgentEvent;
}

/**
 * Appends one batch. Must run inside an IMMEDIATE transaction: it reads the head, checks
 * the batch against it, then writes events and the sessions row; any throw rolls back all.
 */
export function appendEvents(sql: Statements, sessionId: string, events: readonly AgentEvent[]): void {
  const head = sql.selectHead.get(sessionId);
  const position = head ? { lastSeq: head.last_seq, state: head.state as SessionState } : { lastSeq: 0, state: 'idle' as const };
  const accepted = prepareAppend(sessionId, position, events);
  if (accepted.length === 0) return;

  // The summary columns are folded from the head row alone, so a small append never reads
  // or rewrites the (possibly large) snapshot.
  const summaryFold = head ? sessionFromHead(sessionId, head) : emptySession(sessionId);
  let batchSize = 0;
  for (const event of accepted) {
    const { sessionId: _sessionId, seq, time, type, ...payload } = event;
    const data = JSON.stringify(payload);
    sql.insertEvent.run(sessionId, seq, type, time, data);
    batchSize += data.length;
    applyEvent(summaryFold, event);
  }
  const summary = summaryRow(summaryFold);
  const tailSize = (head?.tail_size ?? 0) + batchSize;
  const tailEvents = summary.lastSeq - (head?.snapshot_seq ?? 0);
  if (head && !shouldRefreshSnapshot(tailEvents, tailSize, head.snapshot_size)) {
    sql.updateSummary.run({ ...summary, tailSize });
    return;
  }
  // Reads back the rows inserted above: the transaction sees its own writes.
  const session = head ? loadSession(sql, sessionId) : foldEvents(sessionId, accepted);
  if (!session) throw new Error(`session ${sessionId} vanished during append`);
  const snapshot = JSON.stringify(session);
  sql.writeSession.run({ ...summary, snapshotSeq: session.lastSeq, snapshotSize: snapshot.length });
  sql.writeSnapshot.run(sessionId, snapshot);
}

/** The stored snapshot with the tail after it folded on top. Run in a read transaction. */
export function loadSession(sql: Statements, sessionId: string): Session | undefined {
  const row = sql.selectSnapshot.get(sessionId);
  if (!row) return undefined;
  const session = JSON.parse(row.data) as Session;
  if (row.last_seq > row.snapshot_seq) {
    for (const eventRow of sql.selectEvents.iterate(sessionId, row.snapshot_seq, -1)) {
      applyEvent(session, eventFromRow(sessionId, eventRow));
    }
  }
  return session;
}

/** A stand-in with just what `summarize` and the state check read; the first user message is the title. */
function sessionFromHead(id: string, head: SessionHeadRow): Session {
  const session = emptySession(id);
  session.owner = head.owner;
  session.state = head.state as SessionState;
  session.createdAt = head.created_at;
  session.updatedAt = head.updated_at;
  session.lastSeq = head.last_seq;
  if (head.title !== null) session.messages.push({ role: 'user', content: head.title });
  return session;
}

function summaryRow(session: Session): SummaryRow {
  const summary = summarize(session);
  return { ...summary, title: session.messages.some((m) => m.role === 'user') ? summary.title : null };
}
