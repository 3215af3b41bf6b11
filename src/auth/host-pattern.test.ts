import { describe, expect, it } from 'vitest';
import { hostAllowed, parseHostPattern } from './host-pattern.js';

describe('parseHostPattern', () => {
  it('parses hosts, ports, wildcards and IPv6', () => {
    expect(parseHostPattern('API.Example.com.')).toEqual({ host: 'api.example.com' });
    expect(parseHostPattern('localhost:8080')).toEqual({ host: 'localhost', port: 8080 });
    expect(parseHostPattern('*.example.com')).toEqual({ host: '*.example.com' });
    expect(parseHostPattern('*')).toEqual({ host: '*' });
    expect(parseHostPattern('[::1]:99')).toEqual({ host: '::1', port: 99 });
    expect(parseHostPattern('127.0.0.1')).toEqual({ host: '127.0.0.1' });
  });

  it.each([
    ['https://example.com', /not a URL|IPv6/],
    ['example.com/path', /not a URL/],
    ['a.*.com', /leading/],
    ['*example.com', /leading/],
    ['example.com:0', /bad port/],
    ['example.com:99999', /bad port/],
    ['example.com:x', /bad port/],
    ['::1', /brackets/],
    ['[::1', /unterminated/],
    ['[nothex]', /IPv6/],
    ['', /empty host/],
    ['-bad.com', /valid host/],
  ])('rejects %s', (text, reason) => {
    expect(parseHostPattern(text)).toMatch(reason);
  });
});

describe('hostAllowed', () => {
  it('matches exact hosts on any port unless a port is given', () => {
    expect(hostAllowed(['example.com'], 'EXAMPLE.com', 443)).toBe(true);
    expect(hostAllowed(['example.com:8080'], 'example.com', 8080)).toBe(true);
    expect(hostAllowed(['example.com:8080'], 'example.com', 80)).toBe(false);
    expect(hostAllowed(['example.com'], 'evil-example.com', 443)).toBe(false);
    expect(hostAllowed(['example.com'], 'example.com.evil.net', 443)).toBe(false);
  });

  it('wildcards cover subdomains, not the bare domain or look-alikes', () => {
    expect(hostAllowed(['*.example.com'], 'a.b.example.com', 443)).toBe(true);
    expect(hostAllowed(['*.example.com'], 'example.com', 443)).toBe(false);
    expect(hostAllowed(['*.example.com'], 'badexample.com', 443)).toBe(false);
    expect(hostAllowed(['*'], 'anything.at.all', 1)).toBe(true);
  });

  it('matches bracketed IPv6 as URL.hostname gives it, and ignores malformed patterns', () => {
    expect(hostAllowed(['[::1]'], '[::1]', 80)).toBe(true);
    expect(hostAllowed(['not a host', 'http://x'], 'x', 80)).toBe(false);
    expect(hostAllowed([], 'x', 80)).toBe(false);
  });
});

describe('host patterns compare hosts in canonical form', () => {
  it('treats numeric IPv4 forms as the address they spell, in patterns and URLs alike', () => {
    expect(parseHostPattern('2130706433')).toEqual({ host: '127.0.0.1' });
    expect(parseHostPattern('0x7f.1:80')).toEqual({ host: '127.0.0.1', port: 80 });
    const host = new URL('http://0x7f000001/').hostname;
    expect(hostAllowed(['127.0.0.1'], host, 80)).toBe(true);
    expect(hostAllowed(['2130706433'], '127.0.0.1', 80)).toBe(true);
    expect(hostAllowed(['127.0.0.2'], host, 80)).toBe(false);
  });

  it('compresses IPv6 and ignores a trailing dot and case', () => {
    expect(parseHostPattern('[0:0:0:0:0:0:0:1]:9')).toEqual({ host: '::1', port: 9 });
    expect(hostAllowed(['[::1]'], new URL('http://[0::0:1]/').hostname, 80)).toBe(true);
    expect(hostAllowed(['Example.COM.'], new URL('http://example.com./').hostname, 80)).toBe(true);
  });
});
