import { AgentboxClient } from '../client/agentbox-client.js';
import type { BackendStatus, ChatBackend } from './chat-backend.js';

/** The page talking to the `agentbox serve` it was loaded from. */
export function serverBackend(options: { baseUrl?: string; apiKey?: string } = {}): ChatBackend {
  const client = new AgentboxClient(options);
  return {
    mode: 'server',
    async status(): Promise<BackendStatus> {
      const health = await client.health();
      const llm = health.llm as { configured?: boolean; baseUrl?: string; model?: string; hint?: string } | undefined;
      if (llm && llm.configured === false) {
        return {
          llmConfigured: false,
          description: 'server mode',
          hint: llm.hint ?? 'Set OPENAI_BASE_URL (and OPENAI_API_KEY, AGENTBOX_MODEL) for agentbox serve.',
        };
      }
      const where = llm?.baseUrl ? `${llm.model ?? ''} at ${llm.baseUrl}` : 'the agentbox service';
      return { llmConfigured: true, description: `server mode: ${where}` };
    },
    listSessions: () => client.listSessions(),
    createSession: () => client.createSession(),
    getSession: (id) => client.getSession(id),
    events: (id) => client.events(id),
    async send(id, input, onEvent) {
      for await (const event of client.sendMessage(id, input)) onEvent(event);
    },
    decide: (id, callId, approved) => client.decide(id, callId, approved ? { approved } : { approved, reason: 'denied in the web page' }),
    answerElicitation: (id, elicitationId, answer) => client.answerElicitation(id, elicitationId, answer),
    cancel: (id) => client.cancel(id),
    deleteSession: (id) => client.deleteSession(id),
  };
}
