import { describe, expect, it } from 'vitest';
import { checkPermission, checkPermissionRule, globMatches, ruleMatches } from './permission.js';

describe('checkPermissionRule', () => {
  it.each([
    '*',
    'tool:*',
    'tool:invoke:*',
    'tool:invoke:fs_*',
    'tool:invoke:fs.read',
    'session:read:own',
    'session:*:own',
    'session:read:*',
    'session:*',
    'workflow:run',
    'workflow:*',
    'workflow:read:own',
    'workflow:read:any',
    'workflow:read:*',
    'workflow:cancel',
    'workflow:*:own',
    'agent:ask:agent',
    'agent:ask:*',
  ])('accepts %s', (rule) => {
    expect(checkPermissionRule(rule)).toBeUndefined();
  });

  it.each([
    ['tool:invok:x', /unknown action "invok"/],
    ['tools:invoke:x', /unknown resource "tools"/],
    ['tool:invoke', /missing target/],
    ['tool:invoke:a:b', /too many segments/],
    ['session:read:mine', /unknown target "mine"/],
    ['workflow:run:x', /take no target/],
    ['workflow:cancel:own', /take no target/],
    ['workflow:read', /missing target/],
    ['workflow:read:mine', /unknown target "mine"/],
    ['tool::x', /empty segment/],
    ['', /empty segment/],
    ['tool:invoke:a b', /may contain only/],
    ['*:invoke:x', /whole rule/],
    ['t*:invoke:x', /may not be a glob/],
    ['tool', /missing action/],
    ['agent:ask', /missing target/],
    ['agent:run:x', /unknown action "run"/],
  ])('rejects %s', (rule, reason) => {
    expect(checkPermissionRule(rule)).toMatch(reason);
  });
});

describe('checkPermission', () => {
  it('refuses wildcards in a permission being decided', () => {
    expect(checkPermission('tool:invoke:*')).toMatch(/only rules may use wildcards/);
    expect(checkPermission('*')).toMatch(/wildcards/);
    expect(checkPermission('tool:invoke:fs_read')).toBeUndefined();
  });
});

describe('ruleMatches', () => {
  it.each([
    ['*', 'session:delete:any', true],
    ['tool:*', 'tool:invoke:fs_read', true],
    ['tool:invoke:*', 'tool:invoke:fs_read', true],
    ['tool:invoke:fs_*', 'tool:invoke:fs_read', true],
    ['tool:invoke:fs_*', 'tool:invoke:http_fetch', false],
    ['tool:invoke:fs_read', 'tool:invoke:fs_read_all', false],
    ['session:*:own', 'session:write:own', true],
    ['session:*:own', 'session:write:any', false],
    ['session:*', 'session:write:any', true],
    ['workflow:run', 'workflow:run', true],
    ['tool:*', 'workflow:run', false],
    ['tool:invoke:*', 'tool:invoke', false],
  ])('%s vs %s → %s', (rule, permission, expected) => {
    expect(ruleMatches(rule, permission)).toBe(expected);
  });
});

describe('globMatches', () => {
  it('treats "." literally and "*" as any run', () => {
    expect(globMatches('fs.read', 'fsXread')).toBe(false);
    expect(globMatches('fs.*', 'fs.read')).toBe(true);
    expect(globMatches('*_read', 'fs_read')).toBe(true);
    expect(globMatches('a*b*c', 'aXXbYc')).toBe(true);
    expect(globMatches('a*b*c', 'aXXbY')).toBe(false);
  });
});
