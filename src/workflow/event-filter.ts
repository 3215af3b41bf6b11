import { evaluateExpression, evaluateTemplate, expressionBody, type ExpressionScope } from './runtime-expression.js';
import type { EventFilter } from './workflow-definition.js';

/** The longest attribute a filter's regular expression is tried on: events are untrusted input. */
const MAX_MATCHED_LENGTH = 4096;

/**
 * Whether a posted event passes a filter's `with`, as the spec defines it ("supports both
 * regular expressions and runtime expressions"):
 * - `data`: an expression is evaluated on the event's data and must give `true`; any other
 *   value must be contained in the data (every member of an object, recursively);
 * - another attribute: an expression is evaluated on the attribute's value and must give
 *   `true`, or a value equal to it; a string matches when equal or, read as a regular
 *   expression, when it matches the whole attribute.
 */
export async function matchesFilter(filter: EventFilter, event: Record<string, unknown>, scope: ExpressionScope): Promise<boolean> {
  for (const [key, expected] of Object.entries(filter.with ?? {})) {
    const actual = event[key];
    if (typeof expected === 'string' && expressionBody(expected) !== undefined) {
      const found = await evaluateExpression(expected, actual ?? null, scope);
      if (!(found === true || (typeof found !== 'boolean' && sameJson(found, actual)))) return false;
    } else if (key === 'data') {
      if (!contains(actual, expected)) return false;
    } else if (!(actual === expected || (typeof expected === 'string' && typeof actual === 'string' && wholeMatch(expected, actual)))) return false;
  }
  return true;
}

const patterns = new Map<string, RegExp | null>();

function wholeMatch(pattern: string, value: string): boolean {
  if (value.length > MAX_MATCHED_LENGTH) return false;
  let compiled = patterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      compiled = null;
    }
    if (patterns.size > 256) patterns.clear();
    patterns.set(pattern, compiled);
  }
  return compiled?.test(value) ?? false;
}

function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => contains((actual as Record<string, unknown>)[k], v));
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Correlation across the filters of one consumption: each key's expected value, a literal
 * `expect`, an expression evaluated on the listen's input, or — without `expect` — the value
 * the first matching event carries (so `all` gathers events of one order).
 */
export class Correlation {
  private constructor(private readonly expected: Map<string, unknown>) {}

  static async start(filters: readonly EventFilter[], input: unknown, scope: ExpressionScope): Promise<Correlation> {
    const expected = new Map<string, unknown>();
    for (const filter of filters) {
      for (const [name, rule] of Object.entries(filter.correlate ?? {})) {
        if (rule.expect !== undefined && !expected.has(name)) expected.set(name, await evaluateTemplate(rule.expect, input, scope));
      }
    }
    return new Correlation(expected);
  }

  /** Whether the event carries the expected values; the first event fixes a key with no `expect`. */
  async admits(filter: EventFilter, event: Record<string, unknown>, scope: ExpressionScope): Promise<boolean> {
    const found = new Map<string, unknown>();
    for (const [name, rule] of Object.entries(filter.correlate ?? {})) {
      const value = await evaluateExpression(rule.from, event, scope);
      if (this.expected.has(name) ? !sameJson(this.expected.get(name), value) : value === null || value === undefined) return false;
      found.set(name, value);
    }
    for (const [name, value] of found) if (!this.expected.has(name)) this.expected.set(name, value);
    return true;
  }
}
