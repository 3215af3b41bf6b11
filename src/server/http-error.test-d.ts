/**
 * Type tests: the status map and the OpenAI type map cover every code and every status.
 * Checked by `tsc --noEmit`; a map that lost a key, or a key left out, fails the build.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { ErrorCode } from '../errors/agentbox-error.js';
import { statusByCode, type ErrorStatus } from './http-error.js';
import { typeByStatus, type OpenAiErrorType } from './openai-error.js';

describe('the server edge maps', () => {
  it('give every code a status', () => {
    expectTypeOf(statusByCode).toEqualTypeOf<Readonly<Record<ErrorCode, ErrorStatus>>>();
    const { INTERNAL: _internal, ...missingOne } = statusByCode;
    // @ts-expect-error a map without INTERNAL is not a Record<ErrorCode, …>
    const incomplete: Record<ErrorCode, ErrorStatus> = missingOne;
    void incomplete;
  });

  it('give every status an OpenAI type', () => {
    expectTypeOf(typeByStatus).toEqualTypeOf<Readonly<Record<ErrorStatus, OpenAiErrorType>>>();
    const { 503: _unavailable, ...missingOne } = typeByStatus;
    // @ts-expect-error a map without 503 is not a Record<ErrorStatus, …>
    const incomplete: Record<ErrorStatus, OpenAiErrorType> = missingOne;
    void incomplete;
  });
});
