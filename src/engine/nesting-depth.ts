/**
 * Where JSON-shaped data (plain objects, arrays, primitives) nests deeper than `maxDepth`
 * levels — the top value is level 1 — as the path of keys and indexes to the first object
 * or array past the limit; undefined when it does not.
 *
 * Why it exists: recursive code (zod, deep merges, `copyJson`, SQLite's `json_valid`, which
 * stops at 1,000 levels) fails on hostile nesting with a stack overflow or an internal error.
 * This walk uses an explicit stack, so it answers for any depth (a million levels in well
 * under a second) and lets the edges refuse such input cleanly before anything recurses.
 *
 * @example
 * tooDeep({ a: { b: [1] } }, 2) // ['a', 'b']
 */
export function tooDeep(value: unknown, maxDepth: number): Array<string | number> | undefined {
  const stack: Array<{ value: unknown; depth: number; path: Array<string | number> }> = [{ value, depth: 1, path: [] }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth > maxDepth) return item.path;
    const entries: Array<[string | number, unknown]> = Array.isArray(item.value) ? item.value.map((v, i) => [i, v]) : Object.entries(item.value);
    // Pushed in reverse so the first offending path in document order is the one reported.
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, child] = entries[i] as [string | number, unknown];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: item.depth + 1, path: [...item.path, key] });
    }
  }
  return undefined;
}
