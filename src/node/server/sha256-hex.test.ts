import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../server/api-key-auth.js';
import { sha256Hex } from './sha256-hex.js';

describe('sha256Hex', () => {
  it('matches the Web Crypto hash the config is written with, for ASCII and non-ASCII keys', async () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const key of ['', 'key-alice', 'clé-✓-🔑', 'x'.repeat(1000)]) expect(sha256Hex(key)).toBe(await hashApiKey(key));
  });
});
