import { describe, expect, it } from 'vitest';
import { tooDeep } from './nesting-depth.js';

const nest = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = i % 2 === 0 ? { a: value } : [value];
  return value;
};

describe('tooDeep', () => {
  it('counts the top value as level 1 and names the first path past the limit', () => {
    expect(tooDeep(1, 1)).toBeUndefined();
    expect(tooDeep({}, 1)).toBeUndefined();
    expect(tooDeep({ a: {} }, 1)).toEqual(['a']);
    expect(tooDeep({ a: { b: [1] } }, 3)).toBeUndefined();
    expect(tooDeep({ a: { b: [1] } }, 2)).toEqual(['a', 'b']);
    expect(tooDeep({ ok: { x: 1 }, bad: [[[]]] }, 3)).toEqual(['bad', 0, 0]);
  });

  it('answers for a million levels without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`) as unknown;
    expect(tooDeep(deep, 64)).toHaveLength(64);
    expect(tooDeep(nest(64), 64)).toBeUndefined();
    expect(tooDeep(nest(65), 64)).toHaveLength(64);
  });
});
