import { ConfigError } from '../errors/config-error.js';
import { authConfigSchema, withBuiltins, type AuthConfig, type AuthConfigInput } from './auth-config-schema.js';

/**
 * Validates an `auth` config section on its own (the main config loader validates it as
 * part of the whole file) and merges in the built-in roles and principal. Throws a
 * ConfigError whose issues name keys as `auth.…`.
 */
export function parseAuthConfig(input: AuthConfigInput | undefined, source?: string): AuthConfig {
  const result = authConfigSchema.safeParse(input);
  if (result.success) return withBuiltins(result.data);
  const issues = result.error.issues.map((issue) => ({
    path: ['auth', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ConfigError(issues, source);
}
