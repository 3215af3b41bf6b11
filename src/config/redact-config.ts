import type { AgentboxConfig } from './config-schema.js';

export const redacted = '[redacted]';

/** Last words of a key name that mark its value secret ("apiKey", "accessToken", "db_password"). */
const secretWords = new Set(['key', 'apikey', 'token', 'secret', 'secrets', 'password', 'passwd', 'credential', 'credentials', 'authorization']);

/**
 * Whether a key names a secret. Judged on the last word of the name, so `apiKey` and
 * `authToken` are secret while `maxTokens` (a count) and `keyId` are not.
 */
export function isSecretKey(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words.at(-1);
  return last !== undefined && (secretWords.has(last) || words.includes('secret') || words.includes('password'));
}

/**
 * A deep copy with every secret replaced by "[redacted]", for `config show` and logs:
 * values under secret-named keys, and passwords inside URLs (`https://user:pw@host`).
 */
export function redactSecrets(value: unknown, key = ''): unknown {
  if (key && isSecretKey(key) && value !== undefined && value !== null && value !== '') return redacted;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item));
  if (typeof value === 'string') return redactUrlPassword(value);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) out[name] = redactSecrets(inner, name);
  return out;
}

/** `redactSecrets` typed for the config: the shape is unchanged, only secret strings differ. */
export function redactConfig(config: AgentboxConfig): AgentboxConfig {
  return redactSecrets(config) as AgentboxConfig;
}

function redactUrlPassword(text: string): string {
  // Only the password part of userinfo; the rest of the URL stays useful for debugging.
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#:@\s]*:)[^/?#@\s]+@/i, `$1${redacted}@`);
}
