import { describe, expect, it } from 'vitest';
import { InThreadJqBackend } from './jq-backend.js';
import { JqFailure } from './jq-failure.js';
import { compileFastPath, NOT_FAST } from './jq-fast-path.js';

const inputs: unknown[] = [
  null,
  { a: { b: [10, 20, { c: 'x' }] }, 'odd key': 1, if: 'kw', n: null, constructor: 5 },
  [1, [2, 3], { a: 4 }],
  'text',
  42,
  true,
  {},
];
const args = { input: { items: ['first', 'second'], deep: { x: { y: 0 } } }, context: null };

const paths = [
  '.',
  ' . ',
  '.a',
  '.a.b',
  '.a.b[0]',
  '.a.b[-1]',
  '.a.b[-9]',
  '.a.b[99]',
  '.a.b[2].c',
  '.a.b.[1]',
  '.["odd key"]',
  '."odd key"',
  '.a["b"][ 1 ]',
  '.[0]',
  '.[1][0]',
  '.[-1].a',
  '.n.deeper[3]',
  '.if',
  '.a_rather_long_field_name_that_jq_may_shorten_in_messages',
  '.["another rather long key with spaces in it"]',
  '.constructor',
  '.toString',
  '.__proto__',
  '$input',
  '$input.items[1]',
  '$input.deep.x.y',
  '$context.anything',
  '$context[0]',
];

describe('compileFastPath', () => {
  const jq = new InThreadJqBackend();

  async function viaJq(program: string, input: unknown): Promise<{ value?: unknown; error?: string }> {
    const flags = ['-c', ...Object.entries(args).flatMap(([k, v]) => ['--argjson', k, JSON.stringify(v)])];
    try {
      const out = await jq.run({ input: JSON.stringify(input), program, flags, timeoutMs: 1000 });
      return { value: out.length === 0 ? null : out.length === 1 ? out[0] : out };
    } catch (error) {
      return { error: (error as JqFailure).message };
    }
  }

  function viaFastPath(program: string, input: unknown): { value?: unknown; error?: string } {
    const fast = compileFastPath(program);
    if (!fast) throw new Error(`no fast path for ${program}`);
    try {
      return { value: fast(input, args) };
    } catch (error) {
      expect(error).toBeInstanceOf(JqFailure);
      return { error: (error as JqFailure).message };
    }
  }

  it('answers every path exactly as jq does, errors included', async () => {
    let compared = 0;
    for (const program of paths) {
      for (const input of inputs) {
        expect({ program, input, ...viaFastPath(program, input) }).toEqual({ program, input, ...(await viaJq(program, input)) });
        compared += 1;
      }
    }
    expect(compared).toBe(paths.length * inputs.length);
  });

  it('leaves everything that is not a plain path to jq', () => {
    for (const program of [
      '..',
      '.a | .b',
      '.a?',
      '.[]',
      '.a[]',
      '.a + 1',
      '.[1:2]',
      '.a,.b',
      '$x | length',
      'length',
      '.["a\\"b"]',
      '.[1.5]',
      '"."',
      '.a .b',
      '$__loc__ x',
      '',
    ]) {
      expect(compileFastPath(program), program).toBeUndefined();
    }
  });

  it('hands an undeclared variable to jq, which reports it', () => {
    expect(compileFastPath('$nope.x')?.({}, {})).toBe(NOT_FAST);
  });

  it('returns a copy: changing the result does not change the input', () => {
    const input = { a: { b: [1] } };
    const out = compileFastPath('.a')?.(input, {}) as { b: number[] };
    out.b.push(2);
    expect(input.a.b).toEqual([1]);
  });
});
