import { describe, expect, it } from 'vitest';
import { createAuthorizer } from './authorizer.js';
import { createToolCallAuthorizer } from './create-tool-call-authorizer.js';

describe('createToolCallAuthorizer', () => {
  const authorize = createToolCallAuthorizer(
    createAuthorizer({ roles: { reader: { allow: ['tool:invoke:fs_read'] } }, principals: { rita: { roles: ['reader'] } } }),
  );

  it('checks tool:invoke:<name> for the calling principal', () => {
    expect(authorize({ principal: 'rita', tool: { name: 'fs_read' } })).toMatchObject({
      allowed: true,
      permission: 'tool:invoke:fs_read',
      rule: 'role reader allow tool:invoke:fs_read',
    });
    expect(authorize({ principal: 'rita', tool: { name: 'fs_write' } })).toMatchObject({ allowed: false, permission: 'tool:invoke:fs_write' });
  });

  it('denies a tool whose name cannot form a permission, rather than matching it loosely', () => {
    expect(authorize({ principal: 'cli', tool: { name: 'rm -rf' } })).toMatchObject({ allowed: false, reason: expect.stringMatching(/malformed permission/) });
    expect(authorize({ principal: 'cli', tool: { name: 'a:b' } }).allowed).toBe(false);
  });
});
