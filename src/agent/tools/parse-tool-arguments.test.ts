import { describe, expect, it } from 'vitest';
import { parseToolArguments } from './parse-tool-arguments.js';

describe('parseToolArguments', () => {
  it('parses an object and keeps every ordinary key and value', () => {
    expect(parseToolArguments(' {"path":"a\\\\b","n":[1,{"x":true}]} ')).toEqual({ path: 'a\\b', n: [1, { x: true }] });
  });

  it('drops prototype-polluting keys at any depth, spelled plainly or behind escapes', () => {
    const parsed = parseToolArguments('{"a":1,"__proto__":{"admin":true},"nested":{"constructor":{"prototype":{"x":1}},"ok":2}}');
    expect(Object.keys(parsed)).toEqual(['a', 'nested']);
    expect(parsed.nested).toEqual({ ok: 2 });
    const escaped = parseToolArguments('{"\\u005f\\u005fproto__":{"admin":true},"b":"c"}');
    expect(Object.keys(escaped)).toEqual(['b']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('reads empty text as no arguments and refuses what is not a JSON object', () => {
    expect(parseToolArguments('  ')).toEqual({});
    expect(() => parseToolArguments('[1]')).toThrow('arguments must be a JSON object');
    expect(() => parseToolArguments('{"a":')).toThrow(/arguments are not valid JSON/);
  });
});
