import type { EventSubscription } from '../engine/event-bus.js';
import type { AgentEvent } from '../engine/events.js';

/** Reports one step of the turn (the ask call's `tool.progress`, which reaches a client that sent a progress token). */
export type ProgressSender = (update: { progress: number; message: string }) => void | Promise<void>;

/**
 * A turn's events as MCP progress: each model call and each tool call (started, finished)
 * is one notification (how it ended is the result), numbered 1, 2, 3… (the spec wants it to increase; a turn's length
 * is not known, so there is no total). Text deltas are left out: an answer is returned
 * whole. `end()` stops after the events already buffered and resolves once they are sent,
 * so a client sees every notification before the answer.
 */
export function agentProgress(events: EventSubscription, send: ProgressSender): { end(): Promise<void> } {
  let progress = 0;
  const pump = (async () => {
    for await (const event of events) {
      const message = progressMessage(event);
      if (message === undefined) continue;
      progress += 1;
      try {
        await send({ progress, message });
      } catch {
        // A client gone away must not fail the turn: its answer is recorded all the same.
      }
    }
  })();
  return {
    end: async () => {
      events.close();
      await pump;
    },
  };
}

function progressMessage(event: AgentEvent): string | undefined {
  switch (event.type) {
    // First, so a client knows where the turn runs before it ends (to read or cancel it).
    case 'turn.started':
      return `turn ${event.turn} started in session ${event.sessionId}`;
    case 'llm.started':
      return `step ${event.step}: asking the model`;
    case 'tool.started':
      return `step ${event.step}: calling ${event.name}`;
    case 'tool.completed':
      return `step ${event.step}: ${event.name} ${event.ok ? 'done' : `failed (${event.error?.code ?? 'error'})`}`;
    case 'approval.decided':
      return event.approved ? undefined : `call ${event.callId} not approved${event.reason ? `: ${event.reason}` : ''}`;
    // How the turn ended is the call's result, not a notification: one sent just before the
    // result is lost by SDK clients that read both at once (typescript-sdk issue 2580).
    default:
      return undefined;
  }
}
