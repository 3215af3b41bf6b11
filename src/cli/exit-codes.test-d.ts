/** Type test: every code has an exit code (no name prefix decides it). Checked by `tsc --noEmit`. */
import { describe, expectTypeOf, it } from 'vitest';
import type { ErrorCode } from '../errors/agentbox-error.js';
import { exitCodeByCode, type ExitCodeValue } from './exit-codes.js';

describe('exitCodeByCode', () => {
  it('gives every code an exit code', () => {
    expectTypeOf(exitCodeByCode).toEqualTypeOf<Readonly<Record<ErrorCode, ExitCodeValue>>>();
    const { TOOL_FAILED: _toolFailed, ...missingOne } = exitCodeByCode;
    // @ts-expect-error a map without TOOL_FAILED is not a Record<ErrorCode, …>
    const incomplete: Record<ErrorCode, ExitCodeValue> = missingOne;
    void incomplete;
  });
});
