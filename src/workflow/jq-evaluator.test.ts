import { loadJq } from 'jq-wasm';
import { describe, expect, it } from 'vitest';
import { JqEvaluator, JqFailure } from './jq-evaluator.js';

describe('JqEvaluator', () => {
  const jq = new JqEvaluator({ maxInputChars: 1000 });

  it('evaluates with runtime arguments as jq variables', async () => {
    expect(await jq.evaluate('.a + $context.b', { a: 1 }, { context: { b: 2 } })).toBe(3);
    expect(await jq.evaluate('.[]', [1, 2])).toEqual([1, 2]);
    expect(await jq.evaluate('empty', null)).toBeNull();
  });

  it('tells compile errors from runtime errors', async () => {
    await expect(jq.evaluate('.a +', {})).rejects.toMatchObject({ kind: 'compile', message: expect.stringMatching(/^syntax error/) });
    await expect(jq.evaluate('error("nope")', {})).rejects.toMatchObject({ kind: 'runtime', message: 'nope' });
    expect(await jq.check('$item.x', ['item'])).toBeUndefined();
    expect(await jq.check('$item.x', [])).toMatch(/\$item is not defined/);
  });

  it('refuses an input over the cap before jq sees it', async () => {
    await expect(jq.evaluate('length', 'x'.repeat(2000))).rejects.toMatchObject({ kind: 'limit' });
    await expect(jq.evaluate('length', null, { big: 'x'.repeat(2000) })).rejects.toMatchObject({ kind: 'limit' });
  });

  it('replaces a handle after a trap', async () => {
    let first = true;
    const evaluator = new JqEvaluator({
      load: async () => {
        const real = await loadJq();
        if (!first) return real;
        first = false;
        return {
          ...real,
          json: () => {
            throw new WebAssembly.RuntimeError('unreachable');
          },
        } as typeof real;
      },
    });
    const error = await evaluator.evaluate('. | .', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JqFailure);
    expect(error).toMatchObject({ kind: 'trap' });
    expect(await evaluator.evaluate('. + 1', 1)).toBe(2);
    expect(evaluator.loads).toBe(2);
  });

  it('answers plain paths without loading jq at all', async () => {
    const evaluator = new JqEvaluator({
      load: async () => {
        throw new Error('jq is not needed for a path');
      },
    });
    expect(await evaluator.evaluate('.a.b[1]', { a: { b: [1, 2] } })).toBe(2);
    expect(await evaluator.evaluate('$input.name', null, { input: { name: 'Ada' } })).toBe('Ada');
    expect(evaluator.loads).toBe(0);
    expect(evaluator.enforcesTimeLimit).toBe(false);
    await expect(evaluator.evaluate('.a + 1', {})).rejects.toMatchObject({ code: 'WORKFLOW_FAULTED', message: 'cannot load jq: jq is not needed for a path' });
  });

  it("caps jq's own memory: a program that outgrows jq-wasm's 256 MiB traps, and a fresh instance answers the next", async () => {
    const evaluator = new JqEvaluator();
    await expect(evaluator.evaluate('[range(100000000)] | length', null)).rejects.toMatchObject({ kind: 'trap' });
    expect(await evaluator.evaluate('[1, 2] | length', null)).toBe(2);
    expect(evaluator.loads).toBe(2);
  }, 30_000);
});
