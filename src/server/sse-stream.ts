import { AgentboxError } from '../errors/agentbox-error.js';
import { errorResponseParts } from './http-error.js';
import type { OpenStream, StreamRegistry } from './stream-registry.js';

/** Where an SSE stream's messages come from. */
export interface SseSource {
  /**
   * The client has read everything queued and wants more: queue something with
   * `stream.send` (now, or when the returned promise settles), or nothing if the source
   * pushes on its own. A rejection ends the stream with an `error` event.
   */
  pull?(stream: SseStream): void | Promise<void>;
  /**
   * Shutdown: take no new events, and end the stream (`stream.end()`) once what the source
   * already holds is sent. Without it, shutdown ends the stream after what is queued.
   */
  stop?(): void;
  /** The stream has ended (client gone, cut off, shut down or ended): let go of everything. */
  release(): void;
}

export interface SseStreamOptions {
  source: SseSource;
  streams: StreamRegistry;
  /** Messages queued for a client that is not reading before it is cut off. */
  capacity: number;
}

const encoder = new TextEncoder();
const heartbeatBytes = encoder.encode(': heartbeat\n\n');

// Shared by every SSE response; nothing mutates it (node-server's Response copies it only
// when it must add a header, a standard Response copies it into its own Headers).
const sseHeaders: Record<string, string> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** Why a client was cut off: it left `capacity` events unread. */
export function overflowError(capacity: number): AgentboxError {
  return new AgentboxError('CHANNEL_CLOSED', `subscriber fell ${capacity} events behind and was dropped`);
}

/** The SSE text of an error that ends a stream: `event: error` with `{ error: { code, message } }`. */
export function sseErrorText(error: unknown): string {
  return `event: error\ndata: ${JSON.stringify(errorResponseParts(error).body)}\n\n`;
}

/**
 * One SSE response body, made of a single pull-based `ReadableStream` of bytes: the client's
 * reads drive `source.pull`, and pushed messages wait in the stream's own queue. The queue is
 * the per-client buffer: once `capacity` messages wait unread, the client is cut off with an
 * `error` event (CHANNEL_CLOSED) and the source released, so a stalled client holds at most
 * `capacity` messages. Why not Hono's `streamSSE`: it stacks a TransformStream, a writer, a
 * second ReadableStream, a TextEncoder and a timer per stream — about 20 KB of heap each,
 * which at a thousand open streams is most of the server's memory.
 */
export class SseStream implements OpenStream {
  readonly response: Response;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private open = true;
  private readonly source: SseSource;
  private readonly capacity: number;
  private readonly unregister: () => void;

  constructor(options: SseStreamOptions) {
    this.source = options.source;
    this.capacity = Math.max(1, options.capacity);
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => this.pull(),
        cancel: () => this.finish(),
      },
      { highWaterMark: 0 },
    );
    this.unregister = options.streams.add(this);
    this.response = new Response(body, { headers: sseHeaders });
  }

  /** Whether the stream still takes messages. */
  get isOpen(): boolean {
    return this.open;
  }

  /**
   * Queues one message's bytes. Returns false when the stream has ended — or has just been
   * cut off because the client left `capacity` messages unread.
   */
  send(bytes: Uint8Array): boolean {
    const controller = this.controller;
    if (!this.open || !controller) return false;
    if (-(controller.desiredSize ?? 0) >= this.capacity) {
      this.fail(overflowError(this.capacity));
      return false;
    }
    controller.enqueue(bytes);
    return true;
  }

  /** A comment line, only when nothing is queued: a stalled client needs no more of them. */
  heartbeat(): void {
    if (this.open && this.controller && (this.controller.desiredSize ?? 0) >= 0) this.controller.enqueue(heartbeatBytes);
  }

  /** Ends the stream once the client has read what is queued. */
  end(): void {
    if (!this.open) return;
    this.finish();
    this.controller?.close();
  }

  /** Ends the stream with an `error` event after what is queued. */
  fail(error: unknown): void {
    if (!this.open) return;
    this.controller?.enqueue(encoder.encode(sseErrorText(error)));
    this.end();
  }

  /** Shutdown: ends the stream once the source has sent what it holds (see `SseSource.stop`). */
  close(): void {
    if (!this.open) return;
    if (this.source.stop) this.source.stop();
    else this.end();
  }

  private pull(): Promise<void> | undefined {
    if (!this.open || !this.source.pull) return undefined;
    try {
      const pending = this.source.pull(this);
      return pending?.then(undefined, (error: unknown) => this.fail(error));
    } catch (error) {
      this.fail(error);
      return undefined;
    }
  }

  private finish(): void {
    if (!this.open) return;
    this.open = false;
    this.unregister();
    this.source.release();
  }
}
