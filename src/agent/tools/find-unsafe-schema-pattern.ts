/**
 * Finds a regular expression in a tool's JSON Schema (`pattern`, `patternProperties`) that
 * can take exponential time to reject a string: a quantified group that itself contains an
 * unbounded quantifier, such as `^(a+)+$` or `(\w+\s?)*`. Arguments are validated on the
 * host's main thread, outside any sandbox deadline, so one such pattern in a manifest plus
 * a 40-character argument from the model would stall every session for hours.
 *
 * This is the "star height" test; it does not catch every slow pattern (`(a|a)*` is
 * exponential too), but it catches the common ones, and it never rejects a pattern
 * without nesting.
 */

/** The first unsafe pattern in `schema`, with where it is; `undefined` when none. */
export function findUnsafeSchemaPattern(schema: unknown): { path: string; pattern: string } | undefined {
  const seen = new Set<object>();
  const visit = (node: unknown, path: string): { path: string; pattern: string } | undefined => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return undefined;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) {
        const found = visit(item, `${path}/${i}`);
        if (found) return found;
      }
      return undefined;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.pattern === 'string' && hasNestedQuantifier(record.pattern)) return { path: `${path}/pattern`, pattern: record.pattern };
    const patternProperties = record.patternProperties;
    if (typeof patternProperties === 'object' && patternProperties !== null) {
      for (const key of Object.keys(patternProperties)) {
        if (hasNestedQuantifier(key)) return { path: `${path}/patternProperties`, pattern: key };
      }
    }
    for (const [key, value] of Object.entries(record)) {
      const found = visit(value, `${path}/${key}`);
      if (found) return found;
    }
    return undefined;
  };
  return visit(schema, '#');
}

/** Whether a quantified group contains an unbounded quantifier (`*`, `+`, `{n,}`). */
export function hasNestedQuantifier(source: string): boolean {
  // One entry per open group: does it contain an unbounded repeat (at any depth)?
  const frames: boolean[] = [false];
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    // Whether the atom just read is a group with an unbounded repeat inside.
    let groupRepeats = false;
    if (char === '\\') i++;
    else if (char === '[') i = endOfClass(source, i);
    else if (char === '(') {
      frames.push(false);
      continue;
    } else if (char === ')') groupRepeats = frames.length > 1 ? (frames.pop() as boolean) : false;
    else if (readQuantifier(source, i)) continue; // "(?:", "(?=" and the like: not a repeat
    const quantifier = readQuantifier(source, i + 1);
    if (quantifier) {
      if (quantifier.unbounded && groupRepeats) return true;
      i = quantifier.end;
    }
    if (groupRepeats || quantifier?.unbounded) frames[frames.length - 1] = true;
  }
  return false;
}

/** `*`, `+`, `?` or `{n}`, `{n,}`, `{n,m}` at `at` (with a lazy `?`): whether it is unbounded, where it ends. */
function readQuantifier(source: string, at: number): { unbounded: boolean; end: number } | undefined {
  const char = source[at];
  let end = at;
  let unbounded: boolean;
  if (char === '*' || char === '+') unbounded = true;
  else if (char === '?') unbounded = false;
  else if (char === '{') {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at));
    if (!match) return undefined;
    end = at + match[0].length - 1;
    unbounded = match[2] !== undefined && match[3] === '';
  } else return undefined;
  if (source[end + 1] === '?') end++;
  return { unbounded, end };
}

function endOfClass(source: string, at: number): number {
  let i = at + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i;
  }
  return source.length;
}
