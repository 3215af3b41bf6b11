import { describe, expect, it } from 'vitest';
import { AgentboxError, type ErrorCode } from '../errors/agentbox-error.js';
import { errorBodyFor, statusByCode } from './http-error.js';
import { openAiErrorBody } from './openai-error.js';

describe('openAiErrorBody', () => {
  it('gives every code a type from its status, and keeps the code as it is', () => {
    for (const code of Object.keys(statusByCode) as ErrorCode[]) {
      const { error } = openAiErrorBody({ code, message: 'm' }, statusByCode[code]);
      expect(error.code).toBe(code);
      expect(typeof error.type).toBe('string');
    }
    const typeOf = (code: ErrorCode) => openAiErrorBody({ code, message: 'm' }, statusByCode[code]).error.type;
    expect([typeOf('INVALID_INPUT'), typeOf('UNAUTHENTICATED'), typeOf('FORBIDDEN'), typeOf('NOT_FOUND'), typeOf('RATE_LIMITED'), typeOf('LLM_HTTP')]).toEqual([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'rate_limit_error',
      'server_error',
    ]);
  });

  it('names the param from the first issue, without the request part', () => {
    const param = (path: string) => openAiErrorBody({ code: 'INVALID_INPUT', message: 'm', details: { issues: [{ path, message: 'x' }] } }, 400).error.param;
    expect([param('body.messages.2.content'), param('query.limit'), param('params.id'), param('body'), param('')]).toEqual([
      'messages.2.content',
      'limit',
      'id',
      null,
      null,
    ]);
    expect(openAiErrorBody({ code: 'NOT_FOUND', message: 'm', details: { param: 'model' } }, 404).error.param).toBe('model');
    expect(openAiErrorBody({ code: 'PAYLOAD_TOO_LARGE', message: 'm', details: { limitBytes: 1 } }, 413).error.param).toBeNull();
  });

  it('keeps the redaction of internal errors, and drops details', () => {
    const store = new AgentboxError('STORE_FAILED', 'append failed at /home/me/sessions.db', { details: { path: '/home/me/sessions.db' } });
    expect(errorBodyFor(store, 'openai')).toEqual({
      status: 500,
      body: { error: { message: 'internal server error; the service log has the details', type: 'server_error', param: null, code: 'STORE_FAILED' } },
    });
    expect(errorBodyFor(new TypeError('x is undefined'), 'openai').body).toEqual({
      error: { message: 'internal server error', type: 'server_error', param: null, code: 'INTERNAL' },
    });
    const limited = errorBodyFor(new AgentboxError('RATE_LIMITED', 'slow down', { details: { retryAfterSeconds: 3 } }), 'openai');
    expect(JSON.stringify(limited.body)).not.toContain('retryAfterSeconds');
  });
});
