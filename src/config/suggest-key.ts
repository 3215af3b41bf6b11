import { configSchema } from './config-schema.js';

/**
 * Known keys per section ('' is the top level), read from the schema so they never drift.
 * Lazy and forgiving: a section reshaped some other way loses its suggestions, nothing else.
 */
let knownKeys: Map<string, readonly string[]> | undefined;

function keysOf(section: string): readonly string[] {
  if (!knownKeys) {
    const sections = configSchema.unwrap().shape;
    knownKeys = new Map([['', Object.keys(sections)]]);
    for (const [name, schema] of Object.entries(sections)) {
      const inner = (schema as { unwrap?: () => { shape?: object } }).unwrap?.();
      if (inner?.shape) knownKeys.set(name, Object.keys(inner.shape));
    }
  }
  return knownKeys.get(section) ?? [];
}

/** The known key closest to a misspelt one (at most 2 edits away), for "did you mean". */
export function suggestKey(section: string, key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of keysOf(section)) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
