import { EventBus } from '../../engine/event-bus.js';
import type { EventPayload } from '../../engine/events.js';
import { emptyUsage, type ChatMessage } from '../../engine/messages.js';
import { emptySession } from '../../engine/session.js';
import { SessionRecorder } from '../../engine/session-recorder.js';
import type { SessionStore } from '../../store/session-store.js';

export interface SeedOptions {
  store: SessionStore;
  sessionId: string;
  owner: string;
  system: string | undefined;
  history: readonly ChatMessage[];
  metadata: Record<string, unknown>;
}

/**
 * Writes an ephemeral session whose fold has exactly the given history: user messages as
 * `turn.started`, assistant messages as `llm.completed`, tool results as `tool.completed`.
 * No state change is written, so the session stays `idle` and the next turn starts cleanly.
 * A private bus: seeded history must not reach live subscribers or count in metrics.
 */
export async function seedChatSession(options: SeedOptions): Promise<void> {
  const recorder = new SessionRecorder(emptySession(options.sessionId), options.store, new EventBus());
  recorder.record({ type: 'session.created', owner: options.owner, metadata: options.metadata, ...(options.system ? { system: options.system } : {}) });
  let turn = 0;
  for (const message of options.history) {
    const payload = toPayload(message, () => (turn += 1));
    if (payload) recorder.record(payload);
  }
  await recorder.flush();
}

function toPayload(message: ChatMessage, nextTurn: () => number): EventPayload | undefined {
  switch (message.role) {
    case 'user':
      return { type: 'turn.started', turn: nextTurn(), input: message.content };
    case 'assistant':
      return {
        type: 'llm.completed',
        step: 0,
        model: 'history',
        text: message.content,
        toolCalls: message.toolCalls ?? [],
        finishReason: message.toolCalls?.length ? 'tool_calls' : 'stop',
        usage: emptyUsage(),
        durationMs: 0,
      };
    case 'tool':
      return { type: 'tool.completed', step: 0, callId: message.toolCallId, name: message.name, ok: true, output: message.content, durationMs: 0 };
    default:
      return undefined;
  }
}
