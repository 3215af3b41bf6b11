import { AgentboxError } from '../errors/agentbox-error.js';
import { isFunctionUri, parseCatalogReference } from './function-catalog.js';
import type { FunctionDefinition, WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowHost } from './workflow-host.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';

/** Where a cataloged function was called from, for an issue's path. */
interface Reference {
  name: string;
  path: string;
  definition: WorkflowDefinition;
}

export interface CatalogResolution {
  /** By reference (`name:version@catalog`): each function's definition as fetched. */
  functions: Record<string, FunctionDefinition>;
  issues: WorkflowIssue[];
}

/**
 * Resolves every `call: name:version@catalog` of a run's definitions when the run starts:
 * the catalog is one declared under `use.catalogs` (`endpoint`), and the function is read,
 * as the spec lays catalogs out, from `<endpoint>/functions/<name>/<version>/function.yaml`
 * — through the host's HTTP, so under the run's host grant like any `call: http`. The
 * result is journaled with the run: a resume runs the functions it started with, whatever
 * the catalog serves by then. `check` validates each fetched function as a task.
 */
export async function resolveCatalogFunctions(
  definitions: readonly WorkflowDefinition[],
  options: {
    host: WorkflowHost;
    principal: string;
    hosts?: readonly string[];
    runId: string;
    check: (fn: unknown, reference: string) => Promise<WorkflowIssue[]>;
  },
): Promise<CatalogResolution> {
  const references = new Map<string, Reference>();
  for (const definition of definitions) collect(definition.do, '/do', definition, references);
  const functions: Record<string, FunctionDefinition> = {};
  const issues: WorkflowIssue[] = [];
  for (const [name, at] of references) {
    const callPath = `${at.path}/call`;
    const url = functionUrl(name, at.definition);
    if (url === undefined) {
      issues.push(
        issue(
          'unknown-function',
          callPath,
          `cataloged function '${name}': no catalog '${parseCatalogReference(name)?.catalog}' with an endpoint under use.catalogs`,
        ),
      );
      continue;
    }
    if (!options.host.callHttp) {
      issues.push(issue('unknown-function', callPath, `cataloged function '${name}': this host cannot fetch catalogs`));
      continue;
    }
    try {
      const response = await options.host.callHttp({
        method: 'GET',
        url,
        headers: { accept: 'application/yaml, application/json, text/plain' },
        principal: options.principal,
        idempotencyKey: `${options.runId}:catalog:${name}`,
        path: callPath,
        runId: options.runId,
        signal: new AbortController().signal,
        ...(options.hosts ? { hosts: options.hosts } : {}),
      });
      if (response.status < 200 || response.status > 299) throw new Error(`${url} answered ${response.status}`);
      const { parse } = await import('yaml');
      const fn = parse(new TextDecoder().decode(response.body)) as unknown;
      const found = await options.check(fn, name);
      if (found.some((i) => i.severity === 'error')) {
        issues.push(...found.map((i) => ({ ...i, path: callPath, message: `cataloged function '${name}' (${url}): ${i.message}` })));
      } else functions[name] = fn as FunctionDefinition;
    } catch (error) {
      const reason = AgentboxError.isInstance(error) || error instanceof Error ? error.message : String(error);
      issues.push(issue('unknown-function', callPath, `cataloged function '${name}' cannot be fetched: ${reason}`));
    }
  }
  return { functions, issues };
}

/**
 * Where a function is read from: its own URI (`call: https://…/function.yaml`), or, as the
 * spec lays catalogs out, `<endpoint>/functions/<name>/<version>/function.yaml`.
 */
function functionUrl(reference: string, definition: WorkflowDefinition): string | undefined {
  if (isFunctionUri(reference)) return reference;
  const parsed = parseCatalogReference(reference);
  const catalog = parsed ? (definition.use?.catalogs as Record<string, { endpoint?: unknown }> | undefined)?.[parsed.catalog] : undefined;
  const endpoint = typeof catalog?.endpoint === 'string' ? catalog.endpoint : (catalog?.endpoint as { uri?: unknown } | undefined)?.uri;
  if (!parsed || typeof endpoint !== 'string') return undefined;
  return `${endpoint.replace(/\/+$/, '')}/functions/${encodeURIComponent(parsed.name)}/${encodeURIComponent(parsed.version)}/function.yaml`;
}

/** Every cataloged `call` in a task tree, by reference, with the first path that calls it. */
function collect(value: unknown, path: string, definition: WorkflowDefinition, into: Map<string, Reference>): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, `${path}/${index}`, definition, into));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const node = value as Record<string, unknown>;
  if (typeof node.call === 'string' && (parseCatalogReference(node.call) || isFunctionUri(node.call)) && !into.has(node.call))
    into.set(node.call, { name: node.call, path, definition });
  for (const [key, child] of Object.entries(node)) if (key !== 'call') collect(child, `${path}/${key}`, definition, into);
}
