/**
 * Test support (not shipped): builds realistic, legal session logs so store tests read as
 * "a session with two turns" rather than walls of literal events.
 */
import type { AgentEvent, EventPayload } from '../engine/events.js';
import type { SessionState } from '../engine/session-state.js';

export interface SessionLogBuilder {
  readonly sessionId: string;
  /** Seq of the last event built so far. */
  readonly lastSeq: number;
  /** `session.created`. */
  created(options?: { system?: string; metadata?: Record<string, unknown> }): AgentEvent[];
  /** A whole turn: user input, one LLM call, completed. */
  turn(input: string, reply: string): AgentEvent[];
  /** One event with the next seq; `time` advances by `timeStep`. */
  event(payload: EventPayload): AgentEvent;
}

export function sessionLog(sessionId: string, options: { owner?: string; startTime?: number; timeStep?: number } = {}): SessionLogBuilder {
  const owner = options.owner ?? 'alice';
  const timeStep = options.timeStep ?? 10;
  let seq = 0;
  let time = options.startTime ?? 1_000;
  let turns = 0;
  let state: SessionState = 'idle';

  const event = (payload: EventPayload): AgentEvent => {
    seq += 1;
    time += timeStep;
    return { sessionId, seq, time, ...payload };
  };
  const changeState = (to: SessionState): AgentEvent => {
    const from = state;
    state = to;
    return event({ type: 'state.changed', from, to });
  };

  return {
    sessionId,
    get lastSeq() {
      return seq;
    },
    created: (extra = {}) => [event({ type: 'session.created', owner, metadata: extra.metadata ?? {}, ...(extra.system ? { system: extra.system } : {}) })],
    turn: (input, reply) => {
      turns += 1;
      const usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };
      return [
        event({ type: 'turn.started', turn: turns, input }),
        changeState('awaiting_llm'),
        event({
          type: 'llm.completed',
          step: 1,
          model: 'test-model',
          text: reply,
          toolCalls: [],
          finishReason: 'stop',
          usage,
          durationMs: 7,
        }),
        changeState('completed'),
        event({ type: 'turn.completed', turn: turns, text: reply, usage, durationMs: 9 }),
      ];
    },
    event,
  };
}
