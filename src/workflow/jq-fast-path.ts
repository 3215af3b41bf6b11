import { copyJson } from '../engine/copy-json.js';
import { JqFailure } from './jq-failure.js';

/** What a fast path returns when it cannot answer (an unknown `$name`): jq must run. */
export const NOT_FAST = Symbol('not fast');

export type FastPath = (input: unknown, args: Readonly<Record<string, unknown>>) => unknown;

type Step = string | number;

const variableHead = /^\$([A-Za-z_][A-Za-z0-9_]*)/;
// Quoted keys: printable ASCII without `"` or `\`, so jq's rendering of the key in an error is the key in quotes.
const step = /^(?:\.?\[\s*(-?\d{1,9})\s*\]|\.?\[\s*"([ !#-[\]-~]*)"\s*\]|\.([A-Za-z_][A-Za-z0-9_]*)|\."([ !#-[\]-~]*)")/;

/**
 * Most workflow expressions are plain paths — `.name`, `$input.items[0]`, `$context.x` —
 * and jq-wasm starts jq afresh on every run (about 3 ms here: it compiles its builtins each
 * time). Paths are answered here instead, in microseconds, with jq's own semantics: a
 * missing key or index is null, indexing null is null, `[-1]` counts from the end, and
 * indexing the wrong type fails with jq's message. Anything else is left to jq
 * (`undefined`). A path does no work beyond its length, so it needs no time limit.
 */
export function compileFastPath(program: string): FastPath | undefined {
  let rest = program.trim();
  let variable: string | undefined;
  if (rest.startsWith('$')) {
    const name = variableHead.exec(rest);
    if (!name) return undefined;
    variable = name[1];
    rest = rest.slice(name[0].length);
  } else if (rest === '.') {
    rest = '';
  } else if (!rest.startsWith('.')) {
    return undefined;
  }
  const steps: Step[] = [];
  while (rest.length > 0) {
    const next = step.exec(rest);
    if (!next) return undefined;
    if (next[1] !== undefined) steps.push(Number(next[1]));
    else steps.push((next[2] ?? next[3] ?? next[4]) as string);
    rest = rest.slice(next[0].length);
  }
  return (input, args) => {
    let value: unknown;
    if (variable === undefined) value = input ?? null;
    else if (Object.hasOwn(args, variable)) value = args[variable] ?? null;
    else return NOT_FAST;
    for (const key of steps) value = index(value, key);
    return copyJson(value);
  };
}

function index(value: unknown, key: Step): unknown {
  if (value === null || value === undefined) return null;
  if (typeof key === 'number') {
    if (!Array.isArray(value)) throw new JqFailure('runtime', `Cannot index ${jqType(value)} with number (${key})`);
    const at = key < 0 ? value.length + key : key;
    return value[at] ?? null;
  }
  if (typeof value !== 'object' || Array.isArray(value))
    throw new JqFailure('runtime', `Cannot index ${jqType(value)} with string (${shortened(JSON.stringify(key))})`);
  return Object.hasOwn(value, key) ? ((value as Record<string, unknown>)[key] ?? null) : null;
}

function jqType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** jq shows at most 29 bytes of a key in an error: a longer one is cut to 25 and marked `..."`. */
function shortened(text: string): string {
  return text.length <= 29 ? text : `${text.slice(0, 25)}..."`;
}
