import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface BoundedEventStoreOptions {
  /** Most events kept; the oldest go first. Default 1000. */
  maxEvents?: number;
  /** Most bytes of message JSON kept (counted as UTF-16 units, near enough). Default 1 MiB. */
  maxBytes?: number;
}

interface StoredEvent {
  streamId: StreamId;
  message: JSONRPCMessage;
  size: number;
}

/**
 * The messages an MCP session's SSE streams carried, kept so a client that lost its
 * connection resumes with `Last-Event-ID` and misses nothing (the SDK's `EventStore`). One
 * per MCP session, bounded in events and bytes: a client that never comes back costs at
 * most the bound, and a resume from an event already dropped is refused (the SDK answers
 * 400) rather than silently skipping what was lost. Event ids are a counter: insertion
 * order is replay order, with no sorting.
 */
export class BoundedEventStore implements EventStore {
  private readonly events = new Map<number, StoredEvent>();
  private next = 1;
  private bytes = 0;
  private readonly maxEvents: number;
  private readonly maxBytes: number;

  constructor(options: BoundedEventStoreOptions = {}) {
    this.maxEvents = options.maxEvents ?? 1000;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
  }

  /** Events held now. */
  get size(): number {
    return this.events.size;
  }

  /** Bytes of message JSON held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = this.next;
    this.next += 1;
    const size = JSON.stringify(message).length + streamId.length;
    this.events.set(id, { streamId, message, size });
    this.bytes += size;
    // Map iteration is insertion order: the first key is the oldest.
    for (const [oldest, event] of this.events) {
      if (this.events.size <= this.maxEvents && this.bytes <= this.maxBytes) break;
      if (oldest === id) break; // the newest stays, however large: its id was handed out
      this.events.delete(oldest);
      this.bytes -= event.size;
    }
    return String(id);
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.events.get(parse(eventId))?.streamId;
  }

  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    const after = parse(lastEventId);
    const last = this.events.get(after);
    if (!last) return '';
    for (const [id, event] of this.events) {
      // Priming events (`{}`, sent only to give the client a cursor) carry no message.
      if (id <= after || event.streamId !== last.streamId || !('jsonrpc' in event.message)) continue;
      await send(String(id), event.message);
    }
    return last.streamId;
  }
}

function parse(eventId: EventId): number {
  return /^[1-9]\d{0,15}$/.test(eventId) ? Number(eventId) : 0;
}
