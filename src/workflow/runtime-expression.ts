import { JqFailure, type JqEvaluator } from './jq-evaluator.js';
import { problem, WorkflowFault } from './workflow-problem.js';

const wrapped = /^\s*\$\{([\s\S]*)\}\s*$/;

/** The jq program inside `${ … }`, or undefined for a literal string. */
export function expressionBody(value: string): string | undefined {
  return wrapped.exec(value)?.[1]?.trim();
}

/** Where an expression is evaluated: the jq engine, its arguments, and the task path for errors. */
export interface ExpressionScope {
  jq: JqEvaluator;
  args: Record<string, unknown>;
  path: string;
}

/**
 * Evaluates a value the spec lets hold expressions: a `${ … }` string is evaluated, other
 * strings are literals, objects and arrays are evaluated member by member.
 */
export async function evaluateTemplate(value: unknown, input: unknown, scope: ExpressionScope): Promise<unknown> {
  if (typeof value === 'string') {
    const body = expressionBody(value);
    return body === undefined ? value : runJq(body, input, scope);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await evaluateTemplate(item, input, scope));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) out[key] = await evaluateTemplate(member, input, scope);
    return out;
  }
  return value;
}

/**
 * A condition (`if`, `while`, `when`): `${ … }` or a bare jq program; true when jq yields
 * `true` (the spec's strict reading: `1` or `"yes"` is not true).
 */
export async function evaluateCondition(expression: string, input: unknown, scope: ExpressionScope): Promise<boolean> {
  return (await runJq(expressionBody(expression) ?? expression, input, scope)) === true;
}

/** An expression that must be one (`for.in`): `${ … }` or a bare program. */
export function evaluateExpression(expression: string, input: unknown, scope: ExpressionScope): Promise<unknown> {
  return runJq(expressionBody(expression) ?? expression, input, scope);
}

async function runJq(program: string, input: unknown, scope: ExpressionScope): Promise<unknown> {
  try {
    return await scope.jq.evaluate(program, input, scope.args);
  } catch (error) {
    if (!(error instanceof JqFailure)) throw error;
    throw new WorkflowFault(
      problem('expression', {
        title: `jq ${error.kind === 'compile' ? 'compile' : 'evaluation'} error`,
        detail: `${error.message} (in: ${program})`,
        instance: scope.path,
      }),
    );
  }
}
