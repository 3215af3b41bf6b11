import { streamSSE } from 'hono/streaming';
import type { ApprovalDecision, ApprovalRequest } from '../../agent/tools/tool-executor.js';
import type { Session } from '../../engine/session.js';
import { chatCompletionRequestSchema, splitConversation } from '../chat/chat-completion-request.js';
import { chunkObject, completionObject, usageChunkObject, type CompletionMeta } from '../chat/chat-completion-objects.js';
import { seedChatSession } from '../chat/seed-chat-session.js';
import { errorBodyFor } from '../http-error.js';
import { parseInput, readJsonBody } from '../parse-input.js';
import { requirePermission } from '../session-access.js';
import type { GuardedRoutes } from '../request-guard.js';
import type { ServerDeps } from '../server-env.js';

/**
 * `POST /v1/chat/completions`, OpenAI-compatible, backed by an agentbox agent: the last user
 * message is the input, earlier messages the history of an ephemeral session (deleted after
 * the request). The agent's tool calls happen here; the client sees only the final answer.
 */
export function registerChatCompletionRoutes(routes: GuardedRoutes, deps: ServerDeps): void {
  const { runtime, store } = deps.chat;

  routes.post('/v1/chat/completions', async (c) => {
    const principal = c.get('principal');
    const body = parseInput(chatCompletionRequestSchema, await readJsonBody(c.req.raw), 'body');
    requirePermission(deps.authorizer, principal, 'session:write:own');
    const { system, history, input } = splitConversation(body.messages);
    const sessionId = crypto.randomUUID();
    await seedChatSession({
      store,
      sessionId,
      owner: principal,
      system: system ?? deps.chat.system,
      history,
      metadata: { via: 'chat.completions', model: body.model },
    });
    const meta: CompletionMeta = { id: `chatcmpl-${sessionId}`, created: Math.floor(Date.now() / 1000), model: body.model };
    const subscription = body.stream ? runtime.stream({ sessionId, capacity: deps.streamCapacity, overflow: 'close' }) : undefined;
    let turn: Promise<Session>;
    try {
      turn = deps.turns.start(sessionId, () => runtime.process({ sessionId, input, principal, onApproval: denyApprovals, onInput: false }));
    } catch (error) {
      subscription?.close();
      await store.delete(sessionId);
      throw error;
    }
    const cleanup = (): void => {
      subscription?.close();
      void store.delete(sessionId).catch(() => undefined);
    };
    void turn.then(cleanup, cleanup);
    if (!subscription) {
      const session = await turn;
      return c.json(completionObject(meta, finalText(session), session.usage));
    }

    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      // Counted and ended on shutdown like any stream; no heartbeat (a completion is one turn).
      const unregister = deps.streams.add({ close: () => subscription.close(), heartbeat: () => undefined });
      stream.onAbort(() => subscription.close());
      const send = (value: unknown): Promise<void> => stream.writeSSE({ data: JSON.stringify(value) });
      try {
        await send(chunkObject(meta, { role: 'assistant', content: '' }));
        for await (const event of subscription) {
          if (event.type === 'llm.text-delta') await send(chunkObject(meta, { content: event.text }));
          if (stream.aborted) return;
        }
        if (stream.aborted) return;
        const session = await turn;
        await send(chunkObject(meta, {}, 'stop'));
        if (body.stream_options?.include_usage) await send(usageChunkObject(meta, session.usage));
        await stream.writeSSE({ data: '[DONE]' });
      } catch (error) {
        // In OpenAI's shape, as its SDKs read an `error` inside the stream (and throw an APIError with it).
        if (!stream.aborted) await send(errorBodyFor(error, 'openai').body);
      } finally {
        unregister();
        subscription.close();
      }
    });
  });
}

/** The session is ephemeral and unreachable by the approval route: waiting would be forever. */
async function denyApprovals(requests: readonly ApprovalRequest[]): Promise<Map<string, ApprovalDecision>> {
  return new Map(requests.map((r) => [r.callId, { approved: false, by: 'system', reason: 'approvals are not available through /v1/chat/completions' }]));
}

function finalText(session: Session): string {
  const last = session.messages.at(-1);
  return last?.role === 'assistant' ? last.content : '';
}
