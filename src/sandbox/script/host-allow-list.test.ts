import { describe, expect, it } from 'vitest';
import { isUrlAllowed } from './host-allow-list.js';

const allowed = (url: string, hosts: string[]): boolean => isUrlAllowed(new URL(url), hosts);

describe('isUrlAllowed', () => {
  it('matches a bare host on any port and scheme http(s) only', () => {
    expect(allowed('https://api.example.com/v1', ['api.example.com'])).toBe(true);
    expect(allowed('http://api.example.com:8080/', ['api.example.com'])).toBe(true);
    expect(allowed('ftp://api.example.com/', ['api.example.com'])).toBe(false);
    expect(allowed('file:///etc/passwd', ['api.example.com'])).toBe(false);
  });

  it('matches host:port against the effective port', () => {
    expect(allowed('http://127.0.0.1:8080/x', ['127.0.0.1:8080'])).toBe(true);
    expect(allowed('http://127.0.0.1:8081/x', ['127.0.0.1:8080'])).toBe(false);
    expect(allowed('https://example.com/', ['example.com:443'])).toBe(true);
    expect(allowed('http://example.com/', ['example.com:443'])).toBe(false);
  });

  it('matches *.domain for subdomains only', () => {
    expect(allowed('https://a.example.com/', ['*.example.com'])).toBe(true);
    expect(allowed('https://a.b.example.com/', ['*.example.com'])).toBe(true);
    expect(allowed('https://example.com/', ['*.example.com'])).toBe(false);
    expect(allowed('https://badexample.com/', ['*.example.com'])).toBe(false);
  });

  it('is not fooled by case, userinfo, lookalike suffixes or an empty list', () => {
    expect(allowed('https://API.Example.COM/', ['api.example.com'])).toBe(true);
    expect(allowed('http://api.example.com@evil.test/', ['api.example.com'])).toBe(false);
    expect(allowed('http://api.example.com.evil.test/', ['api.example.com'])).toBe(false);
    expect(allowed('http://api.example.com/', [])).toBe(false);
  });

  it('handles IPv6 literals with and without a port', () => {
    expect(allowed('http://[::1]:9000/', ['[::1]:9000'])).toBe(true);
    expect(allowed('http://[::1]:9001/', ['[::1]:9000'])).toBe(false);
    expect(allowed('http://[::1]/', ['[::1]'])).toBe(true);
  });
});
