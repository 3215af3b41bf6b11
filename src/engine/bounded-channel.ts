import { AgentboxError } from '../errors/agentbox-error.js';

/**
 * What a full channel does with a new item:
 * - `block`: the sender waits until the consumer makes room (backpressure);
 * - `drop-oldest`: the oldest buffered item is discarded;
 * - `close`: the channel fails with CHANNEL_CLOSED (a slow subscriber is cut off).
 */
export type OverflowPolicy = 'block' | 'drop-oldest' | 'close';

export interface BoundedChannelOptions {
  /** Items buffered before the overflow policy applies. Default 100, as in the plan's mpsc channel. */
  capacity?: number;
  overflow?: OverflowPolicy;
}

interface PendingSend<T> {
  value: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const done: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * A single-consumer async queue with a hard bound. `send` returns `undefined` when the item
 * was buffered at once and a promise only when it must wait, so the fast path allocates
 * nothing beyond the buffer slot.
 */
export class BoundedChannel<T> implements AsyncIterableIterator<T> {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  private buffer: T[] = [];
  private head = 0;
  private senders: PendingSend<T>[] = [];
  private receiver: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private closed = false;
  private failure: unknown = undefined;
  /** Items discarded under `drop-oldest`. */
  dropped = 0;

  constructor(options: BoundedChannelOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 100);
    this.overflow = options.overflow ?? 'block';
  }

  get size(): number {
    return this.buffer.length - this.head;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Buffers an item. Returns a promise only when the sender must wait for room. */
  send(value: T): Promise<void> | undefined {
    if (this.closed) {
      throw this.failure ?? new AgentboxError('CHANNEL_CLOSED', 'channel is closed');
    }
    const receiver = this.receiver;
    if (receiver) {
      this.receiver = undefined;
      receiver.resolve({ value, done: false });
      return undefined;
    }
    if (this.size < this.capacity) {
      this.buffer.push(value);
      return undefined;
    }
    switch (this.overflow) {
      case 'drop-oldest':
        this.take();
        this.dropped += 1;
        this.buffer.push(value);
        return undefined;
      case 'close': {
        const error = new AgentboxError('CHANNEL_CLOSED', `subscriber fell ${this.capacity} events behind and was dropped`);
        this.fail(error);
        throw error;
      }
      default:
        return new Promise<void>((resolve, reject) => this.senders.push({ value, resolve, reject }));
    }
  }

  /** Ends the stream once buffered items are consumed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.settleReceiver();
  }

  /** Ends the stream with an error; waiting senders are rejected. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = error;
    this.closed = true;
    for (const s of this.senders.splice(0)) s.reject(error);
    this.settleReceiver();
  }

  /** Takes up to `max` buffered items without waiting. */
  drain(max = Number.POSITIVE_INFINITY): T[] {
    const out: T[] = [];
    while (out.length < max && this.size > 0) out.push(this.take());
    return out;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) return Promise.resolve({ value: this.take(), done: false });
    if (this.closed) return this.failure === undefined ? Promise.resolve(done) : Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.receiver = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    this.buffer = [];
    this.head = 0;
    for (const s of this.senders.splice(0)) s.resolve();
    return Promise.resolve(done);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private take(): T {
    const value = this.buffer[this.head] as T;
    this.head += 1;
    if (this.head >= 1024 && this.head * 2 >= this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    const sender = this.senders.shift();
    if (sender) {
      this.buffer.push(sender.value);
      sender.resolve();
    }
    return value;
  }

  private settleReceiver(): void {
    const receiver = this.receiver;
    if (!receiver || this.size > 0) return;
    this.receiver = undefined;
    if (this.failure === undefined) receiver.resolve(done);
    else receiver.reject(this.failure);
  }
}
