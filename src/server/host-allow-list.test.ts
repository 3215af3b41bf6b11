import { describe, expect, it } from 'vitest';
import { createHostAllowList, splitHost } from './host-allow-list.js';

describe('createHostAllowList', () => {
  it('takes the loopback names and the bind host at the known port, and configured names', () => {
    let port: number | undefined = 8787;
    const allowed = createHostAllowList({ allowedHosts: ['agentbox.internal', 'Proxy.Internal:8443'], bindHost: '10.0.0.5', port: () => port });
    for (const host of [
      'localhost:8787',
      '127.0.0.1:8787',
      '[::1]:8787',
      '10.0.0.5:8787',
      'agentbox.internal',
      'agentbox.internal:1',
      'proxy.internal:8443',
      'LocalHost:8787',
    ]) {
      expect(allowed(host), host).toBe(true);
    }
    for (const host of [
      undefined,
      '',
      'localhost',
      'localhost:8788',
      'evil.example:8787',
      'proxy.internal',
      'proxy.internal:8787',
      'localhost.:8787',
      '127.0.0.2:8787',
      'agentbox.internal.evil.example',
    ]) {
      expect(allowed(host), String(host)).toBe(false);
    }
    port = 80;
    expect(allowed('localhost')).toBe(true);
    expect(allowed('localhost:8787')).toBe(false);
  });

  it('takes the loopback names at any port while the port is unknown, never a wildcard bind', () => {
    const allowed = createHostAllowList({ allowedHosts: [], bindHost: '0.0.0.0' });
    expect(['localhost', 'localhost:3000', '127.0.0.1:1', '[::1]'].every(allowed)).toBe(true);
    expect(['0.0.0.0:8787', 'evil.example'].some(allowed)).toBe(false);
  });

  it('splits name and port, IPv6 literals included', () => {
    expect(splitHost('[::1]:80')).toEqual({ name: '[::1]', port: 80 });
    expect(splitHost('example.com')).toEqual({ name: 'example.com', port: undefined });
  });
});
