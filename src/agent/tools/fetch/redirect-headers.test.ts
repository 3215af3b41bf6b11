import { describe, expect, it } from 'vitest';
import { headersForRedirect } from './redirect-headers.js';

const sent = {
  Authorization: 'Bearer t',
  Cookie: 'c=1',
  'X-Api-Key': 'k',
  'X-Anything': 'v',
  Accept: 'application/json',
  'Content-Type': 'text/plain',
  'User-Agent': 'ua',
};

describe('headersForRedirect', () => {
  it('keeps every header within the origin', () => {
    expect(headersForRedirect(sent, { crossOrigin: false, bodyDropped: false })).toEqual(sent);
  });

  it('keeps only safe-listed headers when the origin changes, whatever their case', () => {
    expect(headersForRedirect(sent, { crossOrigin: true, bodyDropped: false })).toEqual({
      Accept: 'application/json',
      'Content-Type': 'text/plain',
      'User-Agent': 'ua',
    });
  });

  it('drops the content headers with the body', () => {
    expect(headersForRedirect(sent, { crossOrigin: true, bodyDropped: true })).toEqual({ Accept: 'application/json', 'User-Agent': 'ua' });
  });
});
