import { configSchema } from './config-schema.js';

/** Known keys per section ('' is the top level), read from the schema so they never drift. */
const knownKeys: ReadonlyMap<string, readonly string[]> = (() => {
  const sections = configSchema.unwrap().shape;
  const map = new Map<string, readonly string[]>([['', Object.keys(sections)]]);
  for (const [name, section] of Object.entries(sections)) map.set(name, Object.keys(section.unwrap().shape));
  return map;
})();

/** The known key closest to a misspelt one (at most 2 edits away), for "did you mean". */
export function suggestKey(section: string, key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of knownKeys.get(section) ?? []) {
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
