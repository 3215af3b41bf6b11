import { describe, expect, it } from 'vitest';
import { evaluateExpression } from './evaluate-expression.js';

describe('evaluateExpression', () => {
  it.each([
    ['17 * 23', 391],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 10', 1024],
    ['-3 ^ 2', -9],
    ['10 % 4', 2],
    ['1.5e3 / 3', 500],
    ['.5 + .25', 0.75],
    ['sqrt(16) + abs(-2)', 6],
    ['max(1, 7, 3) - min(4, 2)', 5],
    ['log(1000)', 3],
    ['log(8, 2)', 3],
    ['round(pi * 100)', 314],
    ['6 × 7 ÷ 2', 21],
    ['--4', 4],
  ])('%s = %d', (expression, expected) => {
    expect(evaluateExpression(expression)).toBeCloseTo(expected, 10);
  });

  it.each([
    ['', /empty expression/],
    ['1 +', /unexpected end/],
    ['2 * (3', /expected '\)'/],
    ['1 2', /unexpected '2' at position 3/],
    ['process.exit(1)', /invalid number at position 8/],
    ['process', /unknown name 'process'/],
    ['constructor(1)', /unknown name 'constructor'/],
    ['__proto__', /unknown name '__proto__'/],
    ['alert`1`', /unexpected character '`'/],
    ['sqrt(1, 2)', /sqrt\(\) takes 1 argument, got 2/],
    ['sqrt(-1)', /not a number/],
    [`${'('.repeat(500)}1${')'.repeat(500)}`, /nested too deeply/],
    [`${'1+'.repeat(1500)}1`, /longer than 2000/],
  ])('rejects case %#', (expression, message) => {
    expect(() => evaluateExpression(expression)).toThrowError(message);
  });

  it('returns Infinity for division by zero rather than pretending', () => {
    expect(evaluateExpression('1/0')).toBe(Infinity);
  });
});
