import type { EventSubscription } from '../../engine/event-bus.js';
import type { AgentEvent } from '../../engine/events.js';
import type { Session } from '../../engine/session.js';
import { parseInput, parseSessionId, readJsonBody } from '../parse-input.js';
import { eventsQuerySchema, lastEventIdSchema, postMessageBodySchema } from '../request-schemas.js';
import { accessSession } from '../session-access.js';
import { sessionEventStream } from '../session-event-stream.js';
import type { GuardedRoutes } from '../request-guard.js';
import type { ServerDeps } from '../server-env.js';
import { sseEventsResponse, wantsEventStream } from '../sse-response.js';
import { z } from 'zod';

const lastEventIdHeaderSchema = z.object({ 'last-event-id': lastEventIdSchema.optional() });

/** Posting a user message (answer streamed or as JSON) and subscribing to a session's events. */
export function registerMessageRoutes(routes: GuardedRoutes, deps: ServerDeps): void {
  const { runtime } = deps;

  routes.post('/v1/sessions/:id/messages', async (c) => {
    const id = parseSessionId(c.req.param('id'));
    const body = parseInput(postMessageBodySchema, await readJsonBody(c.req.raw), 'body');
    const turnInput = body.prompt
      ? { prompt: { name: body.prompt.name, ...(body.prompt.input ? { input: body.prompt.input } : {}) } }
      : { input: body.input ?? '' };
    const principal = c.get('principal');
    await accessSession(deps, principal, id, 'write');
    // Subscribed before the turn starts, so the stream holds every event of the turn.
    const subscription = wantsEventStream(c) ? runtime.stream({ sessionId: id, capacity: deps.streamCapacity, overflow: 'close' }) : undefined;
    let turn: Promise<Session>;
    try {
      // Not tied to the request: a client that disconnects does not abort the turn.
      turn = deps.turns.start(id, () => runtime.process({ sessionId: id, ...turnInput, principal }));
    } catch (error) {
      subscription?.close();
      throw error;
    }
    if (!subscription) {
      const session = await turn;
      return c.json({ session, text: finalText(session) });
    }
    // When the turn settles every one of its events is already buffered: end after them.
    const progress = { settled: false };
    const settle = (): void => {
      progress.settled = true;
      subscription.close();
    };
    void turn.then(settle, settle);
    return sseEventsResponse({
      events: turnEvents(subscription, turn, progress),
      stop: () => subscription.close(),
      streams: deps.streams,
      capacity: deps.streamCapacity,
    });
  });

  routes.get('/v1/sessions/:id/events', async (c) => {
    const id = parseSessionId(c.req.param('id'));
    const query = parseInput(eventsQuerySchema, c.req.query(), 'query');
    const headers = parseInput(lastEventIdHeaderSchema, { 'last-event-id': c.req.header('last-event-id') }, 'headers');
    await accessSession(deps, c.get('principal'), id, 'read');
    const afterSeq = headers['last-event-id'] ?? query.after ?? 0;
    if (!wantsEventStream(c) && (c.req.header('accept') ?? '').includes('application/json')) {
      return c.json({ data: await runtime.events(id, { afterSeq }) });
    }
    return sessionEventStream({
      sessionId: id,
      hub: deps.sessionEvents,
      afterSeq,
      backlog: (after, limit) => runtime.events(id, { afterSeq: after, limit }),
      streams: deps.streams,
      capacity: deps.streamCapacity,
    });
  });
}

/** The turn's events; if the turn failed before recording its end, the stream ends with its error. */
async function* turnEvents(subscription: EventSubscription, turn: Promise<Session>, progress: { settled: boolean }): AsyncGenerator<AgentEvent> {
  let ended = false;
  for await (const event of subscription) {
    if (event.type === 'turn.completed' || event.type === 'turn.failed' || event.type === 'turn.cancelled') ended = true;
    yield event;
  }
  // Ended by the turn settling (not by the client leaving): surface an unrecorded failure.
  if (!ended && progress.settled) await turn;
}

function finalText(session: Session): string {
  const last = session.messages.at(-1);
  return last?.role === 'assistant' ? last.content : '';
}
