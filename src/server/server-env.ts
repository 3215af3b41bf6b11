import type { Authorizer } from '../auth/authorizer.js';
import type { BaseRuntime } from '../runtime/base-runtime.js';
import type { ServerConfig } from '../config/server-config-schema.js';
import type { SessionStore } from '../store/session-store.js';
import type { SessionEventHub } from './session-event-hub.js';
import type { StreamRegistry } from './stream-registry.js';
import type { TurnTracker } from './turn-tracker.js';

/** Per-request values set by the auth middleware. */
export interface AppEnv {
  Variables: {
    principal: string;
  };
}

/** What route handlers share. */
export interface ServerDeps {
  runtime: BaseRuntime;
  /** Runs `/v1/chat/completions` turns on ephemeral in-memory sessions (same model, tools, bus). */
  chat: { runtime: BaseRuntime; store: SessionStore; system: string | undefined };
  authorizer: Authorizer;
  config: ServerConfig;
  turns: TurnTracker;
  /** Open SSE streams; its timer sends the heartbeat comments that keep proxies from closing idle ones. */
  streams: StreamRegistry;
  /** Live session events for the SSE streams of `GET /v1/sessions/:id/events`. */
  sessionEvents: SessionEventHub;
  /** Events buffered per SSE client before a slow client is cut off. */
  streamCapacity: number;
}
