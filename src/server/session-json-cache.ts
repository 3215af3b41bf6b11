import type { Session } from '../engine/session.js';

interface Entry {
  lastSeq: number;
  createdAt: number;
  updatedAt: number;
  response: { body: Uint8Array<ArrayBuffer>; headers: Readonly<Record<string, string>> };
}

export interface SessionJsonCacheOptions {
  /** Sessions kept (default 1000). */
  maxEntries?: number;
  /** Bytes of JSON kept in all (default 16 MiB); a body over a quarter of it is never kept. */
  maxBytes?: number;
}

const encoder = new TextEncoder();

/**
 * The encoded JSON of recently served sessions, reused while a session is at the same
 * version. Serializing is the largest cost of `GET /v1/sessions/:id` after the socket
 * write; a session only changes by appending events, so `lastSeq` (with the creation and
 * update times, against an id deleted and created again) says whether the text is current.
 * It is checked against the session just loaded from the store, so a write by another
 * process is never hidden. The body goes out with its Content-Length, so the adapter
 * neither measures nor re-encodes it.
 *
 * Bounded by entries and bytes; the oldest entries go first.
 *
 * @example
 * const json = new SessionJsonCache();
 * return json.response(await runtime.getSession(id));
 */
export class SessionJsonCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(options: SessionJsonCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  }

  /** A 200 `application/json` response with the session. */
  response(session: Session): Response {
    const { body, headers } = this.#encoded(session);
    return new Response(body, { headers });
  }

  /** Drops a session's text (it was deleted). */
  forget(sessionId: string): void {
    const entry = this.#entries.get(sessionId);
    if (!entry) return;
    this.#entries.delete(sessionId);
    this.#bytes -= entry.response.body.byteLength;
  }

  get size(): number {
    return this.#entries.size;
  }

  #encoded(session: Session): Entry['response'] {
    const hit = this.#entries.get(session.id);
    if (hit && hit.lastSeq === session.lastSeq && hit.createdAt === session.createdAt && hit.updatedAt === session.updatedAt) return hit.response;
    const body = encoder.encode(JSON.stringify(session));
    // Shared by every response from this entry; frozen so nothing can change one for all.
    const headers = Object.freeze({ 'content-type': 'application/json', 'content-length': String(body.byteLength) });
    const response = { body, headers };
    this.forget(session.id);
    if (body.byteLength <= this.#maxBytes / 4) {
      this.#entries.set(session.id, { lastSeq: session.lastSeq, createdAt: session.createdAt, updatedAt: session.updatedAt, response });
      this.#bytes += body.byteLength;
      this.#evict();
    }
    return response;
  }

  #evict(): void {
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) return;
      this.forget(id);
    }
  }
}
