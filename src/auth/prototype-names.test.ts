/**
 * Names that exist on Object.prototype ("constructor", "toString", "__proto__") are not
 * roles or principals unless the config defines them: they must neither pass validation
 * nor crash a decision.
 */
import { describe, it, expect } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { createAuthorizer } from './authorizer.js';
import { parseAuthConfig } from './parse-auth-config.js';

function configError(input: unknown): ConfigError {
  try {
    parseAuthConfig(input as never);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('prototype names in auth config', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('refuses a principal holding an undefined role "%s"', (role) => {
    expect(configError({ principals: { bob: { roles: [role] } } }).message).toContain(`unknown role "${role}"`);
  });

  it('refuses inheriting from "toString" as a config error, not a TypeError', () => {
    const error = configError({ roles: { r: { allow: ['tool:invoke:*'], inherits: ['toString'] } }, principals: { bob: { roles: ['r'] } } });
    expect(error.message).toContain('unknown role "toString"');
  });

  it('refuses a default principal that only Object.prototype has', () => {
    expect(configError({ defaultPrincipal: 'hasOwnProperty' }).message).toContain('unknown principal "hasOwnProperty"');
  });

  it.each(['constructor', 'toString', '__proto__', 'valueOf'])('treats principal "%s" from a request as unknown', (principal) => {
    const auth = createAuthorizer({ principals: { bob: { roles: ['user'] } } });
    const decision = auth.decide(principal, 'tool:invoke:calculator');
    expect(decision).toMatchObject({ allowed: false, reason: `unknown principal "${principal}"` });
    expect(auth.rolesOf(principal)).toEqual([]);
    expect(auth.capabilitiesFor(principal, 'fs_read', { fsRoots: [{ path: '/tmp' }] })).toEqual({ fsRoots: [] });
  });

  it('still honours a principal the config really defines with such a name', () => {
    const auth = createAuthorizer({ principals: { constructor: { roles: ['user'] } } });
    expect(auth.decide('constructor', 'tool:invoke:calculator').allowed).toBe(true);
  });

  it('does not let a "__proto__" principals key grant roles to everyone', () => {
    const input = JSON.parse('{"principals":{"__proto__":{"roles":["admin"]}}}') as unknown;
    let auth: ReturnType<typeof createAuthorizer> | undefined;
    try {
      auth = createAuthorizer(input as never);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return;
    }
    expect(auth?.decide('mallory', 'tool:invoke:calculator').allowed).toBe(false);
    expect(auth?.rolesOf('mallory')).toEqual([]);
  });
});
