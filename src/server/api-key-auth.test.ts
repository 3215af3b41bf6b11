import { describe, expect, it } from 'vitest';
import { constantTimeEqual, createApiKeyAuthenticator, hashApiKey, presentedKey } from './api-key-auth.js';
import { RateLimiter } from './rate-limiter.js';

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('API keys', () => {
  it('hashes with SHA-256 (a known vector)', async () => {
    expect(await hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compares in constant time, and only equal strings are equal', () => {
    expect(constantTimeEqual('abcd', 'abcd')).toBe(true);
    expect(constantTimeEqual('abcd', 'abce')).toBe(false);
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
  });

  it('reads Bearer or X-API-Key', () => {
    expect(presentedKey(headers({ authorization: 'Bearer  k1 ' }))).toBe('k1');
    expect(presentedKey(headers({ 'x-api-key': 'k2' }))).toBe('k2');
    expect(presentedKey(headers({ authorization: 'Basic k3' }))).toBeUndefined();
    expect(presentedKey(headers({}))).toBeUndefined();
  });

  it('maps a key to its principal, rejects others, and is `local` with no keys', async () => {
    const authenticate = createApiKeyAuthenticator([{ sha256: await hashApiKey('secret-one'), principal: 'ci' }]);
    expect(await authenticate(headers({ authorization: 'Bearer secret-one' }))).toMatchObject({ principal: 'ci' });
    await expect(authenticate(headers({ authorization: 'Bearer secret-two' }))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authenticate(headers({}))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await createApiKeyAuthenticator([])(headers({}))).toEqual({ principal: 'local', keyId: 'local' });
  });

  it('hashes with the hasher it is given, which may answer synchronously', async () => {
    const hashed: string[] = [];
    const hash = (key: string): string => {
      hashed.push(key);
      return key === 'secret-one' ? 'f'.repeat(64) : '0'.repeat(64);
    };
    const authenticate = createApiKeyAuthenticator([{ sha256: 'f'.repeat(64), principal: 'ci' }], { hash });
    expect(await authenticate(headers({ 'x-api-key': 'secret-one' }))).toEqual({ principal: 'ci', keyId: 'f'.repeat(64) });
    await expect(authenticate(headers({ authorization: 'Bearer secret-two' }))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(hashed).toEqual(['secret-one', 'secret-two']);
  });
});

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then refills at perMinute/60 per second', () => {
    let now = 0;
    const limiter = new RateLimiter(60, { now: () => now });
    for (let i = 0; i < 60; i++) expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('other').allowed).toBe(true);
    now += 1000;
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(false);
  });

  it('stays bounded: past 10,000 keys full buckets are pruned, and the key that triggered it still pays', () => {
    let now = 0;
    const limiter = new RateLimiter(1, { now: () => now });
    for (let i = 0; i < 10_000; i++) limiter.take(`k${i}`);
    now += 60_000; // every bucket is full again
    expect(limiter.take('new').allowed).toBe(true);
    expect(limiter.take('new').allowed).toBe(false);
    expect(limiter.take('k0').allowed).toBe(true);
    expect(limiter.take('k0').allowed).toBe(false);
  });
});
