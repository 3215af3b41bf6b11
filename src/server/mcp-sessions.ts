import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { systemClock, type Clock } from '../engine/session-recorder.js';

export interface McpSession {
  principal: string;
  server: Server;
  transport: WebStandardStreamableHTTPServerTransport;
}

interface Entry extends McpSession {
  lastSeen: number;
  /** SSE responses still open: a client listening on one is not idle. */
  openStreams: number;
}

export interface McpSessionsOptions {
  /** Closed after this long with no request and no open stream. */
  idleMs: number;
  clock?: Clock;
}

/**
 * The open MCP sessions of `/mcp`. Each holds an MCP server, its transport and a replay
 * buffer, so one a client abandons (it never sent DELETE) would stay for good: a session
 * with no request and no open stream for `idleMs` is closed, its client gets 404 and
 * initializes again, as the transport spec has it. The sweep timer runs only while
 * sessions are open; shutdown closes them all.
 */
export class McpSessions {
  private readonly sessions = new Map<string, Entry>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly clock: Clock;

  constructor(private readonly options: McpSessionsOptions) {
    this.clock = options.clock ?? systemClock;
  }

  get size(): number {
    return this.sessions.size;
  }

  add(id: string, session: McpSession): void {
    this.sessions.set(id, { ...session, lastSeen: this.clock.now(), openStreams: 0 });
    this.timer ??= startTimer(() => void this.expireIdle(), Math.max(10, Math.min(this.options.idleMs / 2, 60_000)));
  }

  /** The session, marked as used now. */
  get(id: string): McpSession | undefined {
    const entry = this.sessions.get(id);
    if (entry) entry.lastSeen = this.clock.now();
    return entry;
  }

  /** Forgets a session its client ended (DELETE): the transport closes itself. */
  delete(id: string): void {
    this.sessions.delete(id);
    this.stopTimerIfEmpty();
  }

  /**
   * The response, with its SSE body (if any) counted as an open stream of the session until
   * it ends either way (the server closes it, or the client goes away).
   */
  track(id: string, response: Response): Response {
    const entry = this.sessions.get(id);
    const body = response.body;
    if (!entry || !body || !response.headers.get('content-type')?.includes('text/event-stream')) return response;
    entry.openStreams += 1;
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      entry.openStreams -= 1;
      entry.lastSeen = this.clock.now();
    };
    const reader = body.getReader();
    const tracked = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = await reader.read().catch((error: unknown) => {
          end();
          throw error;
        });
        if (chunk.done) {
          end();
          controller.close();
        } else controller.enqueue(chunk.value);
      },
      cancel(reason) {
        end();
        return reader.cancel(reason);
      },
    });
    return new Response(tracked, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /** Closes the sessions idle for `idleMs`; resolves with how many. */
  async expireIdle(): Promise<number> {
    const cutoff = this.clock.now() - this.options.idleMs;
    const idle = [...this.sessions].filter(([, s]) => s.openStreams === 0 && s.lastSeen <= cutoff);
    await Promise.all(idle.map(([id, s]) => this.close(id, s)));
    return idle.length;
  }

  /** Closes every session (the service is shutting down): their streams end. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions].map(([id, s]) => this.close(id, s)));
  }

  private async close(id: string, session: Entry): Promise<void> {
    this.sessions.delete(id);
    this.stopTimerIfEmpty();
    await session.server.close().catch(() => undefined);
  }

  private stopTimerIfEmpty(): void {
    if (this.sessions.size > 0 || this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** An interval that does not keep a Node process alive (browsers have no `unref`). */
function startTimer(fn: () => void, ms: number): ReturnType<typeof setInterval> {
  const timer = setInterval(fn, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
