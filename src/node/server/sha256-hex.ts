import { createHash } from 'node:crypto';

/**
 * Hex SHA-256 of a string's UTF-8 bytes, synchronously: the service hashes every presented
 * API key, and node:crypto does it in ~1 µs where a Web Crypto digest takes a promise and
 * a thread-pool job. Same output as `hashApiKey`.
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
