import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { createAuthorizer } from './authorizer.js';

const auth = createAuthorizer({
  roles: {
    reader: {
      allow: ['tool:invoke:fs_read', 'tool:invoke:fs_list', 'session:read:own'],
      capabilities: { fsRoots: [{ path: '/srv/docs' }], hosts: ['api.example.com'], timeoutMs: 5000 },
    },
    fs: { allow: ['tool:invoke:fs_*'], deny: ['tool:invoke:fs_write'] },
    ops: { inherits: ['reader'], allow: ['tool:*', 'session:read:any'], deny: ['tool:invoke:shell'] },
    auditor: { allow: ['session:read:any'], deny: ['session:read:own'] },
    nocaps: { allow: ['tool:invoke:*'] },
  },
  principals: {
    rita: { roles: ['reader'] },
    frank: { roles: ['fs'] },
    olga: { roles: ['ops'] },
    mixed: { roles: ['fs', 'admin'] },
    bob: { roles: ['user'] },
    audrey: { roles: ['auditor'] },
    nora: { roles: ['nocaps'] },
    empty: { roles: [] },
  },
});

describe('createAuthorizer: decide', () => {
  it('allows an exactly listed permission and names the rule and role', () => {
    expect(auth.decide('rita', 'tool:invoke:fs_read')).toEqual({
      allowed: true,
      permission: 'tool:invoke:fs_read',
      principal: 'rita',
      rule: 'role reader allow tool:invoke:fs_read',
      role: 'reader',
      reason: 'allowed by role reader allow tool:invoke:fs_read',
    });
  });

  it('denies what no rule allows, saying so', () => {
    const decision = auth.decide('rita', 'tool:invoke:fs_write');
    expect(decision.allowed).toBe(false);
    expect(decision.rule).toBeUndefined();
    expect(decision.reason).toBe("no rule of rita's roles (reader) allows tool:invoke:fs_write");
  });

  it('matches wildcards within a segment and trailing wildcards', () => {
    expect(auth.decide('frank', 'tool:invoke:fs_list').allowed).toBe(true);
    expect(auth.decide('frank', 'tool:invoke:http_fetch').allowed).toBe(false);
    expect(auth.decide('olga', 'tool:invoke:http_fetch').rule).toBe('role ops allow tool:*');
  });

  it('lets an explicit deny win over an allow from the same or any other role', () => {
    const same = auth.decide('frank', 'tool:invoke:fs_write');
    expect(same).toMatchObject({ allowed: false, rule: 'role fs deny tool:invoke:fs_write', role: 'fs' });
    // admin allows "*", but fs's deny still wins.
    const other = auth.decide('mixed', 'tool:invoke:fs_write');
    expect(other).toMatchObject({ allowed: false, role: 'fs', reason: 'denied by role fs deny tool:invoke:fs_write' });
    expect(auth.decide('mixed', 'session:delete:any').allowed).toBe(true);
  });

  it('applies inherited rules and says through which role', () => {
    expect(auth.rolesOf('olga')).toEqual(['ops', 'reader']);
    expect(auth.decide('olga', 'session:read:own')).toMatchObject({
      allowed: true,
      rule: 'role ops allow session:read:any',
    });
    const explained = auth.explain('olga', 'tool:invoke:fs_read');
    expect(explained.matches).toEqual([
      { role: 'ops', effect: 'allow', pattern: 'tool:*' },
      { role: 'reader', effect: 'allow', pattern: 'tool:invoke:fs_read', via: ['ops'] },
    ]);
    expect(auth.decide('olga', 'tool:invoke:shell').allowed).toBe(false);
  });

  it('lets session:<action>:any imply :own for allows only', () => {
    expect(auth.decide('audrey', 'session:read:any').allowed).toBe(true);
    expect(auth.decide('audrey', 'session:read:own')).toMatchObject({ allowed: false, rule: 'role auditor deny session:read:own' });
    expect(auth.decide('bob', 'session:read:own').allowed).toBe(true);
    expect(auth.decide('bob', 'session:read:any').allowed).toBe(false);
  });

  it('denies an unknown principal, a principal without roles, and malformed permissions', () => {
    expect(auth.decide('mallory', 'tool:invoke:fs_read')).toMatchObject({ allowed: false, reason: 'unknown principal "mallory"' });
    expect(auth.rolesOf('mallory')).toEqual([]);
    expect(auth.decide('empty', 'workflow:run').reason).toBe("no rule of empty's roles (none) allows workflow:run");
    expect(auth.decide('cli', 'tool:invoke:*').reason).toMatch(/^malformed permission: .*only rules may use wildcards/);
    expect(auth.decide('cli', 'tool:invok:x').reason).toMatch(/unknown action "invok"/);
    expect(auth.decide('cli', 'tool:invok:x').allowed).toBe(false);
  });

  it('gives the CLI principal every built-in tool by default', () => {
    const defaults = createAuthorizer();
    for (const tool of ['fs_read', 'fs_write', 'fs_list', 'http_fetch']) {
      expect(defaults.decide(defaults.config.defaultPrincipal, `tool:invoke:${tool}`)).toMatchObject({ allowed: true, rule: 'role admin allow *' });
    }
  });

  it('throws a ConfigError for an invalid config (unknown role)', () => {
    expect(() => createAuthorizer({ principals: { x: { roles: ['nope'] } } })).toThrow(ConfigError);
  });
});

describe('createAuthorizer: capabilitiesFor', () => {
  const requested = {
    fsRoots: [{ path: '/srv/docs/manuals', write: true }, { path: '/etc' }],
    hosts: ['api.example.com', 'evil.com'],
    timeoutMs: 60_000,
    memoryMb: 128,
  };

  it('intersects the request with the roles’ grants, inherited ones included', () => {
    const expected = { fsRoots: [{ path: '/srv/docs/manuals', write: false }], hosts: ['api.example.com'], timeoutMs: 5000, memoryMb: 128 };
    expect(auth.capabilitiesFor('rita', 'fs_read', requested)).toEqual(expected);
    expect(auth.capabilitiesFor('olga', 'fs_read', requested)).toEqual(expected);
  });

  it('grants no roots or hosts to roles without capability grants or unknown principals', () => {
    for (const principal of ['nora', 'mallory']) {
      expect(auth.capabilitiesFor(principal, 'fs_read', requested)).toEqual({ fsRoots: [], hosts: [], timeoutMs: 60_000, memoryMb: 128 });
    }
  });

  it('passes the request through for the built-in admin role', () => {
    expect(auth.capabilitiesFor('cli', 'fs_read', requested)).toEqual({
      fsRoots: [
        { path: '/srv/docs/manuals', write: true },
        { path: '/etc', write: false },
      ],
      hosts: ['api.example.com', 'evil.com'],
      timeoutMs: 60_000,
      memoryMb: 128,
    });
  });
});
