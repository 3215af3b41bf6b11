import { describe, expect, it } from 'vitest';
import { checkFetchUrl } from './check-fetch-url.js';

const allowed = (url: string, hosts: string[]): boolean => {
  try {
    checkFetchUrl(new URL(url), hosts);
    return true;
  } catch {
    return false;
  }
};

describe('checkFetchUrl', () => {
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

  it('is not fooled by case, trailing dots, numeric IPv4 forms, lookalike suffixes or an empty list', () => {
    expect(allowed('https://API.Example.COM/', ['api.example.com'])).toBe(true);
    expect(allowed('https://api.example.com./', ['api.example.com'])).toBe(true);
    expect(allowed('http://2130706433/', ['127.0.0.1'])).toBe(true);
    expect(allowed('http://0x7f.0.0.2/', ['127.0.0.1'])).toBe(false);
    expect(allowed('http://api.example.com.evil.test/', ['api.example.com'])).toBe(false);
    expect(allowed('http://api.example.com/', [])).toBe(false);
  });

  it('refuses credentials in the URL, even to a granted host', () => {
    expect(() => checkFetchUrl(new URL('http://user:pw@api.example.com/'), ['api.example.com'])).toThrow(/credentials in the URL/);
    expect(allowed('http://api.example.com@evil.test/', ['api.example.com'])).toBe(false);
  });

  it('handles IPv6 literals with and without a port', () => {
    expect(allowed('http://[::1]:9000/', ['[::1]:9000'])).toBe(true);
    expect(allowed('http://[::1]:9001/', ['[::1]:9000'])).toBe(false);
    expect(allowed('http://[::1]/', ['[::1]'])).toBe(true);
    expect(allowed('http://[0:0::1]/', ['[::1]'])).toBe(true);
  });
});
