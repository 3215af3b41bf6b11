import { describe, expect, it } from 'vitest';
import { copyJson } from './copy-json.js';

describe('copyJson', () => {
  it('copies nested objects and arrays so changes to the copy never reach the original', () => {
    const original = { a: 1, b: [{ c: 'x' }, null, true], d: { e: { f: [1, 2] } } };
    const copy = copyJson(original);
    expect(copy).toEqual(original);
    copy.b[0] = { c: 'changed' };
    copy.d.e.f.push(3);
    expect(original).toEqual({ a: 1, b: [{ c: 'x' }, null, true], d: { e: { f: [1, 2] } } });
  });

  it('keeps an own __proto__ key as data and pollutes nothing', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    const copy = copyJson(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'ok']);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
