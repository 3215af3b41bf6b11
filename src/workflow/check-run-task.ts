import { resourceUri } from './resolve-external-resources.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';

const identifier = /^[A-Za-z_$][\w$]*$/;
const returns = new Set(['stdout', 'stderr', 'code', 'all', 'none']);

/** `run: workflow`: a reference by namespace, name and version (literal strings, as the spec has them). */
export function checkRunWorkflow(run: Record<string, unknown>, path: string): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  const ref = run.workflow as Record<string, unknown> | null;
  if (!ref || typeof ref !== 'object') return [issue('structure', `${path}/run/workflow`, '`run.workflow` needs namespace, name and version')];
  for (const key of ['namespace', 'name', 'version']) {
    if (typeof ref[key] !== 'string' || ref[key] === '')
      issues.push(issue('structure', `${path}/run/workflow/${key}`, `\`run.workflow.${key}\` must be a non-empty string`));
  }
  if (run.await !== undefined && typeof run.await !== 'boolean') issues.push(issue('structure', `${path}/run/await`, '`run.await` must be true or false'));
  return issues;
}

/** `run: script`: JavaScript only (`js`), inline `code`, arguments named as identifiers. */
export function checkRunScript(run: Record<string, unknown>, path: string): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  const at = `${path}/run/script`;
  const script = run.script as Record<string, unknown> | null;
  if (!script || typeof script !== 'object') return [issue('structure', at, '`run.script` needs `language` and `code`')];
  if (script.language !== 'js' && script.language !== 'javascript') {
    issues.push(
      issue('unsupported', `${at}/language`, `script language ${JSON.stringify(script.language)} is not supported (agentbox runs js in its QuickJS sandbox)`),
    );
  }
  if (script.source !== undefined) {
    const uri = resourceUri(script.source);
    if (!uri || !/^https?:\/\//i.test(uri))
      issues.push(issue('structure', `${at}/source/endpoint`, 'a script `source` needs an absolute http(s) `endpoint` (fetched when the run starts)'));
  } else if (typeof script.code !== 'string') issues.push(issue('structure', `${at}/code`, '`run.script.code` must be the script text'));
  const environment = script.environment;
  if (environment !== undefined && (environment === null || typeof environment !== 'object' || Array.isArray(environment)))
    issues.push(issue('structure', `${at}/environment`, '`run.script.environment` must be a map of variable names to strings'));
  const args = script.arguments;
  if (Array.isArray(args)) {
    // DSL 1.0.3: a list, the script's argv (strings or expressions giving strings)
    args.forEach((arg, index) => {
      if (typeof arg !== 'string') issues.push(issue('structure', `${at}/arguments/${index}`, 'an argv argument must be a string'));
    });
  } else if (args !== undefined && (args === null || typeof args !== 'object')) {
    issues.push(
      issue('structure', `${at}/arguments`, '`run.script.arguments` must be a map of names to values (DSL 1.0.0) or a list of strings (argv, 1.0.3)'),
    );
  } else {
    for (const name of Object.keys(args ?? {})) {
      if (!identifier.test(name) || name.startsWith('__') || name === 'console' || name === 'code' || name === 'process') {
        issues.push(issue('structure', `${at}/arguments/${name}`, `argument '${name}' cannot be a JavaScript variable name in the script`));
      }
    }
  }
  if (run.return !== undefined && !returns.has(String(run.return)))
    issues.push(issue('structure', `${path}/run/return`, '`run.return` must be stdout, stderr, code, all or none'));
  return issues;
}

/**
 * `listen`: `to` is one of `one` (a filter), `any` or `all` (non-empty lists of filters),
 * with `until` (a condition, or a consumption without its own `until`) beside `any` only;
 * `read` data or envelope.
 */
export function checkListen(listen: Record<string, unknown> | undefined, path: string): WorkflowIssue[] {
  const at = `${path}/listen`;
  const issues = checkConsumption(listen?.to, `${at}/to`, true);
  if (listen?.read !== undefined && listen.read !== 'data' && listen.read !== 'envelope')
    issues.push(issue('structure', `${at}/read`, '`listen.read` must be data or envelope'));
  return issues;
}

function checkConsumption(value: unknown, at: string, allowUntil: boolean): WorkflowIssue[] {
  const to = value as Record<string, unknown> | undefined;
  const issues: WorkflowIssue[] = [];
  const modes = Object.keys(to ?? {}).filter((k) => k === 'one' || k === 'any' || k === 'all');
  if (!to || typeof to !== 'object' || Array.isArray(to) || modes.length !== 1)
    return [issue('structure', at, `\`${at.endsWith('/until') ? 'until' : 'listen.to'}\` needs exactly one of one, any, all`)];
  const mode = modes[0] as string;
  const listed = to[mode];
  const filters = mode === 'one' ? [listed] : listed;
  // An empty `to.any` is the spec's "any event"; an empty `to.all` waits for nothing and is refused.
  if (!Array.isArray(filters) || (filters.length === 0 && mode !== 'any') || filters.some((f) => !f || typeof f !== 'object' || Array.isArray(f))) {
    issues.push(
      issue(
        'structure',
        `${at}/${mode}`,
        mode === 'one'
          ? `\`${mode}\` must be an event filter ({ with: {...} })`
          : mode === 'any'
            ? '`any` must be a list of event filters (empty: any event)'
            : '`all` must be a non-empty list of event filters',
      ),
    );
  }
  if (Array.isArray(filters)) {
    filters.forEach((f, index) => {
      const correlate = f && typeof f === 'object' ? (f as { correlate?: unknown }).correlate : undefined;
      if (correlate === undefined) return;
      const where = mode === 'one' ? `${at}/one/correlate` : `${at}/${mode}/${index}/correlate`;
      if (correlate === null || typeof correlate !== 'object' || Array.isArray(correlate)) {
        issues.push(issue('structure', where, '`correlate` must map names to { from, expect }'));
        return;
      }
      for (const [name, rule] of Object.entries(correlate)) {
        if (!rule || typeof rule !== 'object' || typeof (rule as { from?: unknown }).from !== 'string')
          issues.push(issue('structure', `${where}/${name}/from`, '`from` must be a runtime expression reading the event'));
      }
    });
  }
  if (to.until !== undefined) {
    if (!allowUntil) issues.push(issue('structure', `${at}/until`, 'an `until` consumption cannot have an `until` of its own'));
    else if (mode !== 'any') issues.push(issue('structure', `${at}/until`, '`until` applies to `any` only (a stream of events)'));
    else if (typeof to.until !== 'string') issues.push(...checkConsumption(to.until, `${at}/until`, false));
  }
  return issues;
}

/** `listen.foreach`: `item` and `at` are variable names, `do` a task list. */
export function checkListenForeach(foreach: unknown, path: string): WorkflowIssue[] {
  const at = `${path}/foreach`;
  if (foreach === null || typeof foreach !== 'object' || Array.isArray(foreach))
    return [issue('structure', at, '`foreach` must be an object ({ item, at, do, output, export })')];
  const f = foreach as Record<string, unknown>;
  const issues: WorkflowIssue[] = [];
  for (const name of ['item', 'at'] as const) {
    if (f[name] !== undefined && (typeof f[name] !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(f[name] as string)))
      issues.push(issue('structure', `${at}/${name}`, `\`foreach.${name}\` must be a variable name`));
  }
  if (f.do !== undefined && !Array.isArray(f.do)) issues.push(issue('structure', `${at}/do`, '`foreach.do` must be a task list'));
  return issues;
}
