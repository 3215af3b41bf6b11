import { WebRuntime } from '../worker/web-runtime.js';
import type { WebRuntimeConfig } from '../worker/web-runtime-config.js';
import { NO_LLM_MESSAGE } from '../worker/no-llm-message.js';
import type { ChatBackend } from './chat-backend.js';

/** The whole agent in a Web Worker of this page, calling the LLM endpoint directly. */
export async function workerBackend(options: { workerUrl: string | URL; config: WebRuntimeConfig }): Promise<ChatBackend> {
  const runtime = await WebRuntime.start(options);
  return {
    mode: 'browser',
    async status() {
      const llm = runtime.info.llm;
      if (!llm) return { llmConfigured: false, description: 'browser mode', hint: NO_LLM_MESSAGE };
      const tools = runtime.info.tools.map((t) => t.name).join(', ');
      return { llmConfigured: true, description: `browser mode: ${llm.model} at ${llm.baseUrl}; tools ${tools}; sessions in ${runtime.info.store}` };
    },
    listSessions: () => runtime.listSessions(),
    createSession: () => runtime.createSession(),
    getSession: (id) => runtime.getSession(id),
    events: (id) => runtime.events(id),
    async send(id, input, onEvent) {
      const subscription = runtime.stream({ sessionId: id, capacity: 1000 });
      let started = false;
      const pump = (async () => {
        for await (const event of subscription) {
          if (event.type === 'turn.started') started = true;
          onEvent(event);
          if (event.type === 'turn.completed' || event.type === 'turn.failed' || event.type === 'turn.cancelled') return;
        }
      })();
      try {
        await runtime.process({ sessionId: id, input });
      } catch (error) {
        // The worker sent every recorded event before this error: show what is buffered, then
        // end. A turn that started recorded its end (turn.failed/cancelled), which the pump
        // shows; one refused before starting (busy session, bad input) has only this error.
        subscription.close();
        await pump;
        if (!started) throw error;
        return;
      }
      // The worker answers only after the turn's events were sent, so its end event is coming.
      await pump;
      subscription.close();
    },
    async decide(id, callId, approved) {
      runtime.decide(id, callId, { approved, by: 'browser user', ...(approved ? {} : { reason: 'denied in the web page' }) });
    },
    async answerElicitation(id, elicitationId, answer) {
      // Checked against the form on this side first: a mismatch throws here, before anything is sent.
      if (!runtime.answerElicitation(id, elicitationId, { ...answer, by: 'browser user' })) throw new Error('this form is no longer waiting for an answer');
    },
    async cancel(id) {
      runtime.cancel(id);
    },
    async deleteSession(id) {
      await runtime.deleteSession(id);
    },
  };
}
