import { describe, expect, it } from 'vitest';
import { AgentboxError, type ErrorCode } from '../errors/agentbox-error.js';
import { ExitCode, exitCodeByCode, exitCodeFor } from './exit-codes.js';

describe('exitCodeFor', () => {
  it('maps each family of codes as the README says', () => {
    const cases: Array<[ErrorCode, number]> = [
      ['CONFIG_INVALID', 2],
      ['INVALID_INPUT', 2],
      ['TOOL_DENIED', 3],
      ['FORBIDDEN', 3],
      ['LLM_TIMEOUT', 4],
      ['MAX_STEPS', 5],
      ['TOOL_FAILED', 5],
      ['SANDBOX_MEMORY_LIMIT', 5],
      // Not a TOOL_/SANDBOX_ name: the old prefix rule made it an internal error (1).
      ['WASM_LOAD_FAILED', 5],
      ['SESSION_NOT_FOUND', 6],
      ['CANCELLED', 130],
      ['STORE_FAILED', 1],
      ['INTERNAL', 1],
    ];
    for (const [code, exit] of cases) expect(exitCodeFor(new AgentboxError(code, 'x')), code).toBe(exit);
  });

  it('uses only documented exit codes', () => {
    const documented = new Set<number>(Object.values(ExitCode));
    for (const [code, exit] of Object.entries(exitCodeByCode)) expect(documented.has(exit), code).toBe(true);
  });

  it('is 1 for anything that is not an agentbox error, or a code it does not know', () => {
    expect(exitCodeFor(new Error('boom'))).toBe(1);
    expect(exitCodeFor(Object.assign(new AgentboxError('TOOL_FAILED', 'x'), { code: 'FROM_A_NEWER_COPY' }))).toBe(1);
  });
});
