import { describe, expect, it } from 'vitest';
import { intersectCapabilities, unionCapabilities, type Capabilities } from './capabilities.js';
import { normalizePath, pathInside } from './capability-path.js';

describe('intersectCapabilities: file roots', () => {
  it('keeps a requested root inside a granted one, write only if both say write', () => {
    expect(intersectCapabilities({ fsRoots: [{ path: '/home/me/project', write: true }] }, { fsRoots: [{ path: '/home/me' }] })).toEqual({
      fsRoots: [{ path: '/home/me/project', write: false }],
    });
    expect(intersectCapabilities({ fsRoots: [{ path: '/data', write: true }] }, { fsRoots: [{ path: '/data', write: true }] })).toEqual({
      fsRoots: [{ path: '/data', write: true }],
    });
    expect(intersectCapabilities({ fsRoots: [{ path: '/data' }] }, { fsRoots: [{ path: '/data', write: true }] })).toEqual({
      fsRoots: [{ path: '/data', write: false }],
    });
  });

  it('narrows a wide request to the granted root inside it', () => {
    expect(intersectCapabilities({ fsRoots: [{ path: '/home', write: true }] }, { fsRoots: [{ path: '/home/me/docs', write: true }] })).toEqual({
      fsRoots: [{ path: '/home/me/docs', write: true }],
    });
  });

  it('gives nothing for disjoint roots, look-alike prefixes, `..` escapes and relative paths', () => {
    const granted = { fsRoots: [{ path: '/srv/data', write: true }] };
    expect(intersectCapabilities({ fsRoots: [{ path: '/srv/other' }] }, granted)).toEqual({ fsRoots: [] });
    expect(intersectCapabilities({ fsRoots: [{ path: '/srv/data-secret' }] }, granted)).toEqual({ fsRoots: [] });
    expect(intersectCapabilities({ fsRoots: [{ path: '/srv/data/../../etc' }] }, granted)).toEqual({ fsRoots: [] });
    expect(intersectCapabilities({ fsRoots: [{ path: 'srv/data' }] }, granted)).toEqual({ fsRoots: [] });
  });

  it('grants no roots when the grant has none, and none are asked when the request has none', () => {
    expect(intersectCapabilities({ fsRoots: [{ path: '/a' }] }, {})).toEqual({ fsRoots: [] });
    expect(intersectCapabilities({}, { fsRoots: [{ path: '/a' }] })).toEqual({});
  });

  it('"/" grants every absolute path, Windows drive paths included', () => {
    expect(intersectCapabilities({ fsRoots: [{ path: 'C:\\Users\\me', write: true }] }, { fsRoots: [{ path: '/', write: true }] })).toEqual({
      fsRoots: [{ path: 'c:/Users/me', write: true }],
    });
  });

  it('drops roots covered by another kept root with the same or more access', () => {
    const result = intersectCapabilities(
      { fsRoots: [{ path: '/a', write: true }, { path: '/a/b', write: true }, { path: '/a/c' }] },
      { fsRoots: [{ path: '/a', write: true }] },
    );
    expect(result.fsRoots).toEqual([{ path: '/a', write: true }]);
    const mixed = intersectCapabilities({ fsRoots: [{ path: '/a' }, { path: '/a/w', write: true }] }, { fsRoots: [{ path: '/', write: true }] });
    expect(mixed.fsRoots).toEqual([
      { path: '/a', write: false },
      { path: '/a/w', write: true },
    ]);
  });
});

describe('intersectCapabilities: hosts', () => {
  it('keeps hosts both sides cover, with wildcards on either side', () => {
    expect(intersectCapabilities({ hosts: ['api.github.com'] }, { hosts: ['*.github.com'] })).toEqual({ hosts: ['api.github.com'] });
    expect(intersectCapabilities({ hosts: ['*.github.com'] }, { hosts: ['api.github.com'] })).toEqual({ hosts: ['api.github.com'] });
    expect(intersectCapabilities({ hosts: ['*.com'] }, { hosts: ['*.github.com'] })).toEqual({ hosts: ['*.github.com'] });
    expect(intersectCapabilities({ hosts: ['example.org', 'api.github.com'] }, { hosts: ['*'] })).toEqual({
      hosts: ['example.org', 'api.github.com'],
    });
  });

  it('gives nothing for other hosts, the bare domain of a wildcard, or no grant', () => {
    expect(intersectCapabilities({ hosts: ['evil.com'] }, { hosts: ['*.github.com'] })).toEqual({ hosts: [] });
    expect(intersectCapabilities({ hosts: ['github.com'] }, { hosts: ['*.github.com'] })).toEqual({ hosts: [] });
    expect(intersectCapabilities({ hosts: ['github.com'] }, {})).toEqual({ hosts: [] });
    expect(intersectCapabilities({ hosts: ['bad pattern'] }, { hosts: ['*'] })).toEqual({ hosts: [] });
  });

  it('takes the port from whichever side names one; different ports give nothing', () => {
    expect(intersectCapabilities({ hosts: ['localhost'] }, { hosts: ['localhost:8080'] })).toEqual({ hosts: ['localhost:8080'] });
    expect(intersectCapabilities({ hosts: ['localhost:8080'] }, { hosts: ['localhost'] })).toEqual({ hosts: ['localhost:8080'] });
    expect(intersectCapabilities({ hosts: ['localhost:8080'] }, { hosts: ['localhost:9090'] })).toEqual({ hosts: [] });
  });
});

describe('intersectCapabilities: limits', () => {
  it('takes the smaller limit; an absent side sets no ceiling', () => {
    expect(intersectCapabilities({ memoryMb: 256, timeoutMs: 1000 }, { memoryMb: 64, timeoutMs: 5000 })).toEqual({
      memoryMb: 64,
      timeoutMs: 1000,
    });
    expect(intersectCapabilities({ memoryMb: 256 }, {})).toEqual({ memoryMb: 256 });
    expect(intersectCapabilities({}, { timeoutMs: 10 })).toEqual({ timeoutMs: 10 });
  });
});

describe('unionCapabilities', () => {
  it('joins roots and hosts of several roles and keeps the largest limit', () => {
    expect(
      unionCapabilities([
        { fsRoots: [{ path: '/a' }], hosts: ['a.com'], memoryMb: 64 },
        { fsRoots: [{ path: '/a', write: true }, { path: '/b' }], hosts: ['*.a.com'], memoryMb: 128 },
      ]),
    ).toEqual({
      fsRoots: [
        { path: '/a', write: true },
        { path: '/b', write: false },
      ],
      hosts: ['a.com', '*.a.com'],
      memoryMb: 128,
    });
  });

  it('a role with no limit lifts the ceiling', () => {
    expect(unionCapabilities([{ timeoutMs: 5 }, {}])).toEqual({});
  });
});

describe('malformed capabilities (plain JavaScript past the types)', () => {
  const malformed = (value: unknown): Capabilities => value as Capabilities;

  it('a malformed grant grants nothing of its kind: fail closed', () => {
    const requested: Capabilities = { fsRoots: [{ path: '/data', write: true }], hosts: ['api.example.com'] };
    for (const granted of [
      { fsRoots: '/', hosts: '*' },
      { fsRoots: [{ path: 7 }, null, 'x'], hosts: [7, null, 'http://api.example.com/'] },
      { fsRoots: [{ path: 'data' }], hosts: [{ host: 'api.example.com' }] },
    ]) {
      expect(intersectCapabilities(requested, malformed(granted))).toEqual({ fsRoots: [], hosts: [] });
    }
  });

  it('a malformed request asks for nothing of its kind', () => {
    const granted: Capabilities = { fsRoots: [{ path: '/', write: true }], hosts: ['*'] };
    expect(intersectCapabilities(malformed({ fsRoots: 'all', hosts: [null] }), granted)).toEqual({ fsRoots: [], hosts: [] });
  });

  it("ignores a limit that is not a positive number, so the other side's applies", () => {
    expect(intersectCapabilities({ memoryMb: 64, timeoutMs: 1_000 }, malformed({ memoryMb: 'lots', timeoutMs: -1 }))).toEqual({
      memoryMb: 64,
      timeoutMs: 1_000,
    });
    expect(unionCapabilities([malformed({ memoryMb: 'lots', fsRoots: 'all' }), { memoryMb: 32, fsRoots: [{ path: '/b' }] }])).toEqual({
      fsRoots: [{ path: '/b', write: false }],
    });
  });

  it('leaves a WASM guest mount out of the answer: roles decide paths, not mounts', () => {
    expect(intersectCapabilities({ fsRoots: [{ path: '/data', guest: '/in', write: true }] }, { fsRoots: [{ path: '/', write: true }] })).toEqual({
      fsRoots: [{ path: '/data', write: true }],
    });
  });
});

describe('capability paths', () => {
  it('normalizes separators, dots and drive letters', () => {
    expect(normalizePath('/a//b/./c/../d/')).toBe('/a/b/d');
    expect(normalizePath('/../..')).toBe('/');
    expect(normalizePath('D:\\x\\..\\y')).toBe('d:/y');
    expect(pathInside('/ab', '/a')).toBe(false);
    expect(pathInside('/a/b', '/a')).toBe(true);
    expect(pathInside('/a', '/a')).toBe(true);
  });
});
