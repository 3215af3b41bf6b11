import { ConfigError } from '../errors/config-error.js';
import { issuesFromZod } from '../errors/validation-issue.js';
import { authConfigSchema, withBuiltins, type AuthConfig, type AuthConfigInput } from './auth-config-schema.js';

/**
 * Validates an `auth` config section on its own (the main config loader validates it as
 * part of the whole file) and merges in the built-in roles and principal. Throws a
 * ConfigError whose issues name keys as `auth.…`.
 */
export function parseAuthConfig(input: AuthConfigInput | undefined, source?: string): AuthConfig {
  const result = authConfigSchema.safeParse(input);
  if (result.success) return withBuiltins(result.data);
  throw new ConfigError(issuesFromZod(result.error.issues, 'auth'), source);
}
