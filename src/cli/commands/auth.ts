import type { Command } from 'commander';
import type { AuthConfig } from '../../auth/auth-config-schema.js';
import type { AuthExplanation } from '../../auth/authorizer.js';
import { ExitCode } from '../exit-codes.js';

export interface AuthCommandOutput {
  write(text: string): unknown;
}

/**
 * `agentbox auth check <principal> <permission> [--json]`: explains an authorization
 * decision — allowed or not, the deciding role and rule, every rule that matched.
 *
 * Exit code 0 when allowed, 3 (`ExitCode.denied`) when denied, so scripts can test it;
 * an invalid `auth` config is thrown as a ConfigError (exit 2 at the CLI's edge).
 *
 * @example
 * agentbox auth check cli tool:invoke:fs_read
 * agentbox auth check key-ci session:read:any --json
 */
export function registerAuthCommands(program: Command, getConfig: () => Promise<{ auth: AuthConfig }>, output: AuthCommandOutput = process.stdout): void {
  const auth = program.command('auth').description('inspect role-based access control');
  auth
    .command('check')
    .description('explain whether a principal holds a permission, and which role and rule decide it (exit 0 allowed, 3 denied)')
    .argument('<principal>', 'principal id, e.g. cli or an API key id')
    .argument('<permission>', 'concrete permission, e.g. tool:invoke:fs_read, session:read:any, workflow:run')
    .option('--json', 'print the decision, roles and matching rules as JSON')
    .action(async (principal: string, permission: string, options: { json?: boolean }) => {
      const { createAuthorizer } = await import('../../auth/authorizer.js');
      const authorizer = createAuthorizer((await getConfig()).auth);
      const explanation = authorizer.explain(principal, permission);
      const { decision, roles, matches } = explanation;
      output.write(options.json ? `${JSON.stringify({ ...decision, roles, matches }, null, 2)}\n` : formatExplanation(explanation));
      process.exitCode = decision.allowed ? ExitCode.ok : ExitCode.denied;
    });
}

export function formatExplanation({ decision, roles, matches }: AuthExplanation): string {
  const lines = [`${decision.allowed ? 'allowed' : 'denied'}: ${decision.principal} → ${decision.permission}`, `  reason: ${decision.reason}`];
  if (decision.role !== undefined) lines.push(`  role:   ${decision.role}`);
  if (decision.rule !== undefined) lines.push(`  rule:   ${decision.rule}`);
  lines.push(`  roles:  ${roles.join(', ') || '(none)'}`);
  if (matches.length > 0) {
    lines.push('  matching rules (denies win):');
    for (const m of matches) lines.push(`    ${m.effect.padEnd(5)} ${m.pattern}  (role ${m.role}${m.via ? ` via ${m.via.join(' → ')}` : ''})`);
  }
  return `${lines.join('\n')}\n`;
}
