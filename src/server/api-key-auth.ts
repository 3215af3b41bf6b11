import { AgentboxError } from '../errors/agentbox-error.js';

export interface ApiKeyEntry {
  /** Lower-case hex SHA-256 of the key. */
  sha256: string;
  principal: string;
}

/** Hex SHA-256 of a key, with Web Crypto (portable: Node, browsers, workers). */
export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Hex SHA-256 of a key, as `hashApiKey` computes it. May answer synchronously: the Node
 * service hashes with node:crypto, which costs ~1 µs against ~15 µs for a Web Crypto
 * digest (a promise and a thread-pool job per request).
 */
export type KeyHasher = (key: string) => string | Promise<string>;

/** Compares two equal-length hex strings without an early exit, so timing says nothing. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/** Reads one request header by lower-case name. */
export type HeaderReader = (name: string) => string | null | undefined;

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(header: HeaderReader): string | undefined {
  const auth = header('authorization');
  if (auth) {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return match?.[1]?.trim() || undefined;
  }
  return header('x-api-key')?.trim() || undefined;
}

export interface Authenticated {
  principal: string;
  /** Identifies the key for rate limiting (its hash; never the key itself). */
  keyId: string;
}

/** Who every request is in local mode (no keys configured). */
export const localIdentity: Readonly<Authenticated> = Object.freeze({ principal: 'local', keyId: 'local' });

/**
 * Turns request headers into a principal. With no keys configured: local mode, every
 * request is `local`. Otherwise the key's hash is compared with every configured hash
 * (all of them, in constant time each), so neither a match's position nor a near miss shows.
 */
export function createApiKeyAuthenticator(keys: readonly ApiKeyEntry[], options: { hash?: KeyHasher } = {}): (header: HeaderReader) => Promise<Authenticated> {
  if (keys.length === 0) return () => Promise.resolve(localIdentity);
  const hashKey = options.hash ?? hashApiKey;
  return async (header) => {
    const key = presentedKey(header);
    if (!key) throw new AgentboxError('UNAUTHENTICATED', 'an API key is required: send Authorization: Bearer <key>');
    const hash = await hashKey(key);
    let found: ApiKeyEntry | undefined;
    for (const entry of keys) if (constantTimeEqual(hash, entry.sha256) && !found) found = entry;
    if (!found) throw new AgentboxError('UNAUTHENTICATED', 'the API key is not valid');
    return { principal: found.principal, keyId: found.sha256 };
  };
}
