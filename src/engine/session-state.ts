import { AgentboxError } from '../errors/agentbox-error.js';

/**
 * The lifecycle of a session. `completed`, `failed` and `cancelled` end a turn; a new user
 * message starts the next turn from any of them (or from `idle`).
 */
export type SessionState = 'idle' | 'awaiting_llm' | 'awaiting_approval' | 'running_tools' | 'completed' | 'failed' | 'cancelled';

const endOfTurn: SessionState[] = ['completed', 'failed', 'cancelled'];
const working: SessionState[] = ['awaiting_llm', 'awaiting_approval', 'running_tools'];

const allowed: Record<SessionState, readonly SessionState[]> = {
  idle: ['awaiting_llm', 'cancelled'],
  awaiting_llm: ['running_tools', 'awaiting_approval', ...endOfTurn],
  awaiting_approval: ['running_tools', 'awaiting_llm', ...endOfTurn],
  running_tools: ['awaiting_llm', 'awaiting_approval', ...endOfTurn],
  completed: ['awaiting_llm'],
  failed: ['awaiting_llm'],
  cancelled: ['awaiting_llm'],
};

export function canTransition(from: SessionState, to: SessionState): boolean {
  return allowed[from].includes(to);
}

/** Pure transition: returns the next state or throws ILLEGAL_TRANSITION (a bug in the caller). */
export function transition(from: SessionState, to: SessionState): SessionState {
  if (!canTransition(from, to)) {
    throw new AgentboxError('ILLEGAL_TRANSITION', `illegal session transition ${from} -> ${to}`, {
      details: { from, to },
    });
  }
  return to;
}

/** Whether a session in this state is in the middle of a turn (resumable after a crash). */
export function isWorking(state: SessionState): boolean {
  return working.includes(state);
}

export function isEndOfTurn(state: SessionState): boolean {
  return endOfTurn.includes(state);
}

export const sessionStates: readonly SessionState[] = Object.keys(allowed) as SessionState[];
