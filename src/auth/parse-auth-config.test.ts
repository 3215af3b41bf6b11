import { describe, expect, it } from 'vitest';
import { AgentboxError, ConfigError } from '../errors/index.js';
import { parseAuthConfig } from './parse-auth-config.js';

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseAuthConfig(input as never, 'agentbox.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(AgentboxError.isInstance(error) && error.code).toBe('CONFIG_INVALID');
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('parseAuthConfig', () => {
  it('accepts an empty or absent section and supplies the built-in roles and principal', () => {
    for (const input of [undefined, {}]) {
      const config = parseAuthConfig(input);
      expect(Object.keys(config.roles).sort()).toEqual(['admin', 'user']);
      expect(config.principals.cli?.roles).toEqual(['admin']);
      expect(config.defaultPrincipal).toBe('cli');
    }
  });

  it('lets the file replace a built-in role or principal', () => {
    const config = parseAuthConfig({ roles: { user: { allow: ['session:read:own'] } }, principals: { cli: { roles: ['user'] } } });
    expect(config.roles.user?.allow).toEqual(['session:read:own']);
    expect(config.roles.admin?.allow).toEqual(['*']);
    expect(config.principals.cli?.roles).toEqual(['user']);
  });

  it('names the key of an unknown role used by a principal or in inherits', () => {
    const issues = issuesOf({
      roles: { ops: { allow: ['tool:*'], inherits: ['base'] } },
      principals: { bob: { roles: ['user', 'opz'] } },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'auth.principals.bob.roles.1', message: expect.stringMatching(/unknown role "opz".*ops/) },
        { path: 'auth.roles.ops.inherits.0', message: expect.stringMatching(/unknown role "base"/) },
      ]),
    );
  });

  it('names malformed permissions and unknown verbs', () => {
    const issues = issuesOf({ roles: { r: { allow: ['tool:invoke:ok', 'tool:run:x'], deny: ['session:read:mine'] } } });
    expect(issues).toEqual([
      { path: 'auth.roles.r.allow.1', message: expect.stringMatching(/unknown action "run"/) },
      { path: 'auth.roles.r.deny.0', message: expect.stringMatching(/unknown target "mine"/) },
    ]);
  });

  it('reports inheritance cycles, including a role inheriting itself', () => {
    const issues = issuesOf({ roles: { a: { inherits: ['b'] }, b: { inherits: ['a'] }, c: { inherits: ['c'] } } });
    expect(issues).toEqual([
      { path: 'auth.roles.a.inherits', message: 'inheritance cycle: a → b → a' },
      { path: 'auth.roles.c.inherits', message: 'inheritance cycle: c → c' },
    ]);
  });

  it('rejects unknown keys, bad capabilities and an unknown default principal', () => {
    const issues = issuesOf({
      roles: { r: { allow: [], capabilities: { fsRoots: [{ path: 'relative/dir' }], hosts: ['http://x.com'], memoryMb: -1 } } },
      defaultPrincipal: 'nobody',
      rolez: {},
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['auth.roles.r.capabilities.fsRoots.0.path', 'auth.roles.r.capabilities.hosts.0', 'auth.roles.r.capabilities.memoryMb']),
    );
    // Unknown top-level keys fail before the cross-checks run; both must surface eventually.
    expect(issues.some((i) => /rolez/.test(i.message))).toBe(true);
    expect(issuesOf({ defaultPrincipal: 'nobody' })).toEqual([{ path: 'auth.defaultPrincipal', message: 'unknown principal "nobody"' }]);
  });

  it('puts the source and every bad key into the message', () => {
    try {
      parseAuthConfig({ principals: { bob: { roles: ['ghost'] } } }, 'agentbox.yaml');
      throw new Error('unreachable');
    } catch (error) {
      expect((error as Error).message).toMatch(/invalid configuration in agentbox\.yaml/);
      expect((error as Error).message).toMatch(/auth\.principals\.bob\.roles\.0: unknown role "ghost"/);
    }
  });
});
