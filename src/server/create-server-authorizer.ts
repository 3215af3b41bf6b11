import type { AuthConfig, AuthConfigInput } from '../auth/auth-config-schema.js';
import { createAuthorizer, type Authorizer } from '../auth/authorizer.js';
import type { ServerConfig } from '../config/server-config-schema.js';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';

/**
 * The authorizer the service runs with. In local mode (no API keys) the one principal,
 * `local`, is the person at this machine and holds `admin` unless the config says otherwise
 * — the same trust as the CLI, and why local mode binds only to loopback. With keys, every
 * key's principal must be defined in `auth.principals`; a typo fails at startup, not as a
 * mysterious 403 later.
 */
export function createServerAuthorizer(auth: AuthConfig | AuthConfigInput, server: Pick<ServerConfig, 'apiKeys'>): Authorizer {
  const principals = { ...(server.apiKeys.length === 0 ? { local: { roles: ['admin'] } } : {}), ...(auth?.principals ?? {}) };
  const authorizer = createAuthorizer({ ...auth, principals } as AuthConfigInput);
  const known = new Set(Object.keys(authorizer.config.principals));
  const issues: ConfigIssue[] = [];
  server.apiKeys.forEach((key, i) => {
    if (!known.has(key.principal)) {
      issues.push({ path: `server.apiKeys.${i}.principal`, message: `unknown principal "${key.principal}": define it under auth.principals with its roles` });
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return authorizer;
}
