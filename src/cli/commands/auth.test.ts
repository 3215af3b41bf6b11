import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAuthConfig } from '../../auth/parse-auth-config.js';
import { ConfigError } from '../../errors/config-error.js';
import { registerAuthCommands } from './auth.js';

const auth = parseAuthConfig({
  roles: { ops: { inherits: ['user'], deny: ['tool:invoke:fs_write'] } },
  principals: { olga: { roles: ['ops'] } },
});

async function check(
  args: string[],
  config: () => Promise<{ auth: typeof auth }> = async () => ({ auth }),
): Promise<{ text: string; exitCode: number | undefined }> {
  let text = '';
  const program = new Command('agentbox').exitOverride();
  registerAuthCommands(program, config, { write: (chunk: string) => (text += chunk) });
  process.exitCode = undefined;
  try {
    await program.parseAsync(['auth', 'check', ...args], { from: 'user' });
    return { text, exitCode: process.exitCode as number | undefined };
  } finally {
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('agentbox auth check', () => {
  it('prints an allowed decision with its role and rule, exit 0', async () => {
    const { text, exitCode } = await check(['cli', 'tool:invoke:fs_read']);
    expect(text).toBe(
      [
        'allowed: cli → tool:invoke:fs_read',
        '  reason: allowed by role admin allow *',
        '  role:   admin',
        '  rule:   role admin allow *',
        '  roles:  admin',
        '  matching rules (denies win):',
        '    allow *  (role admin)',
        '',
      ].join('\n'),
    );
    expect(exitCode).toBe(0);
  });

  it('prints a denial, the deny that won and the inherited allow it beat, exit 3', async () => {
    const { text, exitCode } = await check(['olga', 'tool:invoke:fs_write']);
    expect(text).toContain('denied: olga → tool:invoke:fs_write');
    expect(text).toContain('  rule:   role ops deny tool:invoke:fs_write');
    expect(text).toContain('    allow tool:invoke:*  (role user via ops)');
    expect(exitCode).toBe(3);
  });

  it('prints JSON with --json', async () => {
    const { text, exitCode } = await check(['olga', 'session:read:own', '--json']);
    expect(JSON.parse(text)).toEqual({
      allowed: true,
      permission: 'session:read:own',
      principal: 'olga',
      rule: 'role user (inherited via ops) allow session:*:own',
      role: 'user',
      reason: 'allowed by role user (inherited via ops) allow session:*:own',
      roles: ['ops', 'user'],
      matches: [{ role: 'user', effect: 'allow', pattern: 'session:*:own', via: ['ops'] }],
    });
    expect(exitCode).toBe(0);
  });

  it('denies an unknown principal and a malformed permission, exit 3', async () => {
    const unknown = await check(['mallory', 'workflow:run']);
    expect(unknown.text).toContain('reason: unknown principal "mallory"');
    expect(unknown.exitCode).toBe(3);
    const malformed = await check(['cli', 'tool:run:x']);
    expect(malformed.text).toMatch(/reason: malformed permission: .*unknown action "run"/);
    expect(malformed.exitCode).toBe(3);
  });

  it('lets an invalid auth config surface as a ConfigError', async () => {
    const bad = async () => ({ auth: { ...auth, principals: { x: { roles: ['ghost'] } } } });
    await expect(check(['x', 'workflow:run'], bad)).rejects.toThrow(ConfigError);
  });
});
