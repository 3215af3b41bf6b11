/**
 * Type tests: `details` are checked against the code at construction, and read with the
 * code's shape once the code is known. Checked by `tsc --noEmit` (part of `npm test`);
 * each `@ts-expect-error` fails the build if the line it guards ever compiles.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { AgentboxError, type ErrorCode, type ErrorDetailsByCode, type SerializedError } from './agentbox-error.js';
import { ConfigError } from './config-error.js';
import type { ValidationIssue } from './validation-issue.js';

describe('AgentboxError details', () => {
  it('has exactly one details entry per code', () => {
    expectTypeOf<keyof ErrorDetailsByCode>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<'INTERNAL' | 'INTERRUPTED'>().toExtend<ErrorCode>();
    // @ts-expect-error a code outside the union is not a code
    new AgentboxError('NOT_A_CODE', 'x');
  });

  it('requires the details a code needs, in its shape', () => {
    new AgentboxError('RATE_LIMITED', 'slow down', { details: { retryAfterSeconds: 3 } });
    // @ts-expect-error RATE_LIMITED needs retryAfterSeconds (the 429's Retry-After)
    new AgentboxError('RATE_LIMITED', 'slow down');
    // @ts-expect-error a misspelt key
    new AgentboxError('RATE_LIMITED', 'slow down', { details: { retryAfter: 3 } });
    // @ts-expect-error a wrong type
    new AgentboxError('RATE_LIMITED', 'slow down', { details: { retryAfterSeconds: '3' } });
    new AgentboxError('LLM_HTTP', 'HTTP 500', { details: { status: 500, serverMessage: 'boom' } });
    // @ts-expect-error LLM_HTTP needs the status
    new AgentboxError('LLM_HTTP', 'HTTP 500', { details: { serverMessage: 'boom' } });
  });

  it('takes one validation-issue shape', () => {
    new AgentboxError('INVALID_INPUT', 'bad', { details: { issues: [{ path: 'body.input', message: 'expected string' }] } });
    new AgentboxError('INVALID_INPUT', 'the user message is empty');
    // @ts-expect-error the old `field` key is gone: issues carry `path`
    new AgentboxError('INVALID_INPUT', 'bad', { details: { issues: [{ field: 'body.input', message: 'expected string' }] } });
    // @ts-expect-error CONFIG_INVALID issues are ValidationIssues too
    new AgentboxError('CONFIG_INVALID', 'bad', { details: { issues: [{ key: 'llm', message: 'x' }] } });
  });

  it('takes no details where a code has none, and open ones where it has no fixed shape', () => {
    // @ts-expect-error SESSION_NOT_FOUND carries none (the id is in the message)
    new AgentboxError('SESSION_NOT_FOUND', 'no session', { details: { id: 's1' } });
    new AgentboxError('TOOL_FAILED', 'trapped', { details: { trap: 'unreachable', stderr: '' } });
    new AgentboxError('TOOL_FAILED', 'trapped', { cause: new Error('x') });
  });

  it('reads details in the shape of a known code, and as an open record otherwise', () => {
    const error: unknown = new AgentboxError('RATE_LIMITED', 'slow down', { details: { retryAfterSeconds: 3 } });
    if (AgentboxError.isInstance(error, 'RATE_LIMITED')) expectTypeOf(error.details.retryAfterSeconds).toEqualTypeOf<number>();
    if (AgentboxError.isInstance(error)) {
      expectTypeOf(error.code).toEqualTypeOf<ErrorCode>();
      expectTypeOf(error.details?.anything).toEqualTypeOf<unknown>();
    }
    expectTypeOf(new ConfigError([{ path: 'llm', message: 'x' }]).details?.issues).toEqualTypeOf<ValidationIssue[] | undefined>();
  });

  it('keeps an error of one code an AgentboxError, and its JSON a SerializedError', () => {
    expectTypeOf<AgentboxError<'MAX_STEPS'>>().toExtend<AgentboxError>();
    expectTypeOf<ConfigError>().toExtend<AgentboxError>();
    expectTypeOf(new AgentboxError('MAX_STEPS', 'x', { details: { maxSteps: 3 } }).toJSON()).toExtend<SerializedError>();
    expectTypeOf<SerializedError['code']>().toEqualTypeOf<ErrorCode>();
  });
});
