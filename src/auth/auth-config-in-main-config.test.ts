import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/config-schema.js';
import { createAuthorizer } from './authorizer.js';

describe('auth in the main config', () => {
  it('defaults from an empty config, with the built-in roles', () => {
    const config = configSchema.parse({});
    // The parsed section is what the file said; the authorizer adds the built-ins.
    expect(config.auth).toEqual({ roles: {}, principals: {}, defaultPrincipal: 'cli' });
    const authorizer = createAuthorizer(config.auth);
    expect(authorizer.rolesOf('cli')).toEqual(['admin']);
    expect(authorizer.decide('cli', 'tool:invoke:fs_write').allowed).toBe(true);
  });

  it('keeps auth a plain object section, so its keys can be listed', () => {
    expect(Object.keys(configSchema.unwrap().shape.auth.unwrap().shape)).toEqual(['roles', 'principals', 'defaultPrincipal']);
  });

  it('reports auth issues under the auth key', () => {
    const result = configSchema.safeParse({ auth: { principals: { bob: { roles: ['ghost'] } } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['auth.principals.bob.roles.0']);
  });
});
