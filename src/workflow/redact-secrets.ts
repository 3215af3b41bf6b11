/** What a secret's value becomes in the journal, in events and in a run's result. */
export const REDACTED = '[redacted]';

/** Shorter values are not redacted: blanking every `ab` in a journal would garble it and hide nothing. */
export const MIN_REDACTED_LENGTH = 4;

/**
 * A function that replaces every occurrence of a secret's exact value (each string in
 * `secrets`, nested ones too, at least `MIN_REDACTED_LENGTH` long) with `[redacted]`, in a
 * JSON value's strings and keys; undefined when there is nothing to redact. Exact-string
 * only: a secret that a task encodes (base64, URL-encoding, a hash, split in parts) is not
 * recognised.
 *
 * @example
 * const redact = secretRedactor({ token: 's3cr3t' });
 * redact?.({ header: 'Bearer s3cr3t' }); // → { header: 'Bearer [redacted]' }
 */
export function secretRedactor(secrets: Record<string, unknown>): (<T>(value: T) => T) | undefined {
  const values = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string' && value.length >= MIN_REDACTED_LENGTH) values.add(value);
    else if (value !== null && typeof value === 'object') for (const inner of Object.values(value)) collect(inner);
  };
  collect(secrets);
  if (values.size === 0) return undefined;
  // Longest first: a secret that contains another is blanked whole, not in part.
  const list = [...values].sort((a, b) => b.length - a.length);
  const text = (s: string): string => (list.some((v) => s.includes(v)) ? list.reduce((out, v) => out.split(v).join(REDACTED), s) : s);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[text(key)] = walk(inner);
    return out;
  };
  return <T>(value: T) => walk(value) as T;
}
