import { AgentboxError } from '../errors/agentbox-error.js';
import { isTransient, type AgentEvent } from '../engine/events.js';
import { transition, type SessionState } from '../engine/session-state.js';

/** Where a session's log stands before an append. A new session is `{ lastSeq: 0, state: 'idle' }`. */
export interface LogPosition {
  lastSeq: number;
  state: SessionState;
}

/**
 * Checks a batch before any store writes it, so a rejected batch writes nothing:
 *
 * - transient events (`isTransient`, seq 0) are dropped, not stored and not an error, so a
 *   store can subscribe to the whole event bus;
 * - every remaining event must belong to `sessionId` (INVALID_INPUT);
 * - seqs must continue the log exactly: `lastSeq + 1, lastSeq + 2, …` (STORE_CONFLICT on a
 *   gap or duplicate — usually two writers on one session);
 * - the state changes must be legal from the current state (ILLEGAL_TRANSITION), the same
 *   check `applyEvent` makes, done up front so the fold afterwards cannot throw halfway.
 *
 * Returns the events to persist, in order.
 */
export function prepareAppend(sessionId: string, position: LogPosition, events: readonly AgentEvent[]): AgentEvent[] {
  if (typeof sessionId !== 'string' || sessionId.length === 0) {
    throw new AgentboxError('INVALID_INPUT', 'session id must be a non-empty string');
  }
  const persisted = events.filter((event) => !isTransient(event));
  let expected = position.lastSeq + 1;
  let state = position.state;
  for (const event of persisted) {
    if (event.sessionId !== sessionId) {
      throw new AgentboxError(
        'INVALID_INPUT',
        `event seq ${event.seq} belongs to session ${JSON.stringify(event.sessionId)}, not ${JSON.stringify(sessionId)}`,
        { details: { sessionId, eventSessionId: event.sessionId } },
      );
    }
    if (event.seq !== expected) {
      const kind = event.seq < expected ? 'duplicate' : 'gap';
      throw new AgentboxError('STORE_CONFLICT', `seq ${kind} in session ${sessionId}: expected seq ${expected}, got ${event.seq}`, {
        details: { sessionId, expectedSeq: expected, seq: event.seq },
      });
    }
    if (event.type === 'state.changed') state = transition(state, event.to);
    expected += 1;
  }
  return persisted;
}
