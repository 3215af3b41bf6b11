import { AgentboxError } from '../errors/agentbox-error.js';

const reference = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${env:NAME}` with the host variable NAME, so a token lives in the environment
 * and not in a config file. A missing variable is an error naming it: sending a header
 * with the reference left in would fail later with a less clear 401.
 *
 * @example
 * expandEnvReferences({ Authorization: 'Bearer ${env:GITHUB_TOKEN}' }, process.env, 'tools.mcp.servers.github.headers');
 */
export function expandEnvReferences(
  values: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
  where: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value.replace(reference, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        throw new AgentboxError('CONFIG_INVALID', `${where}.${key} names the environment variable ${name}, which is not set`);
      }
      return found;
    });
  }
  return out;
}
