import type { TaskKind } from './task-kind.js';
import type { CatchDefinition, Task } from './workflow-definition.js';
import { expressionBody } from './runtime-expression.js';

/** An expression found in a definition: where, the jq program, and extra variables in scope. */
export interface FoundExpression {
  path: string;
  program: string;
  variables: string[];
}

/**
 * The jq expressions of one task's own fields (not of its nested task lists). Conditions and
 * `for.in` may be bare programs; other fields hold expressions only inside `${ … }`.
 */
export function taskExpressions(task: Task, kind: TaskKind | undefined, path: string, loopVariables: string[]): FoundExpression[] {
  // biome-ignore lint/suspicious/noExplicitAny: an unvalidated DSL task read by shape; each field is checked where it is used
  const t = task as Record<string, any>;
  const found: FoundExpression[] = [];
  const condition = (value: unknown, at: string, variables: string[] = []): void => {
    if (typeof value === 'string') found.push({ path: at, program: expressionBody(value) ?? value, variables });
  };
  const template = (value: unknown, at: string, variables: string[] = []): void => {
    if (typeof value === 'string') {
      const body = expressionBody(value);
      if (body !== undefined) found.push({ path: at, program: body, variables });
    } else if (Array.isArray(value)) value.forEach((v, i) => template(v, `${at}/${i}`, variables));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) template(v, `${at}/${k}`, variables);
  };
  condition(t.if, `${path}/if`);
  template(t.input?.from, `${path}/input/from`);
  template(t.output?.as, `${path}/output/as`);
  template(t.export?.as, `${path}/export/as`);
  switch (kind) {
    case 'set':
      template(t.set, `${path}/set`);
      break;
    case 'switch':
      (Array.isArray(t.switch) ? t.switch : []).forEach((item: Record<string, { when?: unknown }>, i: number) => {
        for (const [name, c] of Object.entries(item ?? {})) condition(c?.when, `${path}/switch/${i}/${name}/when`);
      });
      break;
    case 'for':
      condition(t.for?.in, `${path}/for/in`);
      condition(t.while, `${path}/while`, loopVariables);
      break;
    case 'call':
      template(t.with, `${path}/with`);
      break;
    case 'run':
      template(t.run?.workflow?.input, `${path}/run/workflow/input`);
      template(t.run?.script?.arguments, `${path}/run/script/arguments`);
      template(t.run?.script?.environment, `${path}/run/script/environment`);
      break;
    case 'listen': {
      const consumption = (to: Record<string, unknown>, at: string): void => {
        const filters = to.one
          ? [['one', to.one]]
          : ['any', 'all'].flatMap((m) => (Array.isArray(to[m]) ? (to[m] as unknown[]).map((f, i) => [`${m}/${i}`, f]) : []));
        for (const [where, filter] of filters as Array<[string, { with?: unknown; correlate?: Record<string, { from?: unknown; expect?: unknown }> } | null]>) {
          template(filter?.with, `${at}/${where}/with`);
          for (const [name, rule] of Object.entries(filter?.correlate ?? {})) {
            condition(rule?.from, `${at}/${where}/correlate/${name}/from`);
            template(rule?.expect, `${at}/${where}/correlate/${name}/expect`);
          }
        }
      };
      const to = (t.listen?.to ?? {}) as Record<string, unknown>;
      consumption(to, `${path}/listen/to`);
      if (typeof to.until === 'string') condition(to.until, `${path}/listen/to/until`);
      else if (to.until && typeof to.until === 'object') consumption(to.until as Record<string, unknown>, `${path}/listen/to/until`);
      const bound = [t.foreach?.item ?? 'item', t.foreach?.at ?? 'index'];
      template(t.foreach?.output?.as, `${path}/foreach/output/as`, bound);
      template(t.foreach?.export?.as, `${path}/foreach/export/as`, bound);
      break;
    }
    case 'raise':
      template(t.raise?.error, `${path}/raise/error`);
      break;
    case 'emit':
      template(t.emit?.event?.with, `${path}/emit/event/with`);
      break;
    case 'try': {
      const c = (t.catch ?? {}) as CatchDefinition;
      const bound = [c.as ?? 'error'];
      condition(c.when, `${path}/catch/when`, bound);
      condition(c.exceptWhen, `${path}/catch/exceptWhen`, bound);
      if (c.retry && typeof c.retry === 'object') {
        condition(c.retry.when, `${path}/catch/retry/when`, bound);
        condition(c.retry.exceptWhen, `${path}/catch/retry/exceptWhen`, bound);
      }
      break;
    }
  }
  return found;
}
