import { AgentboxError } from '../errors/agentbox-error.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowHost } from './workflow-host.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';

/** A resource a definition names by URI: a schema's `resource`, a script's `source`. */
interface Reference {
  uri: string;
  /** The JSON pointer of the field naming it, for an issue. */
  path: string;
  kind: 'schema' | 'script';
}

export interface ResourceResolution {
  /** By URI: each resource's text as fetched. */
  resources: Record<string, string>;
  issues: WorkflowIssue[];
}

/** The URI of an external resource (`{ endpoint: uri }` or `{ endpoint: { uri } }`), or undefined. */
export function resourceUri(resource: unknown): string | undefined {
  const endpoint = resource !== null && typeof resource === 'object' ? (resource as { endpoint?: unknown }).endpoint : undefined;
  const uri = typeof endpoint === 'string' ? endpoint : endpoint !== null && typeof endpoint === 'object' ? (endpoint as { uri?: unknown }).uri : undefined;
  return typeof uri === 'string' && uri !== '' ? uri : undefined;
}

/**
 * Fetches every external resource the run's definitions name — `schema.resource` of inputs
 * and outputs, `run.script.source` — when the run starts, through the host's HTTP (so under
 * the run's host grant), and returns their text to journal with the run: a resume validates
 * and runs exactly what the run started with, whatever the server serves by then. A
 * resource that cannot be fetched refuses the run before anything is stored.
 */
export async function resolveExternalResources(
  definitions: readonly WorkflowDefinition[],
  options: { host: WorkflowHost; principal: string; hosts?: readonly string[]; runId: string },
): Promise<ResourceResolution> {
  const references = new Map<string, Reference>();
  for (const definition of definitions) collect(definition, '', references);
  const resources: Record<string, string> = {};
  const issues: WorkflowIssue[] = [];
  for (const { uri, path, kind } of references.values()) {
    const what = kind === 'schema' ? 'schema resource' : 'script source';
    if (!options.host.callHttp) {
      issues.push(issue('structure', path, `${what} ${uri}: this host cannot fetch resources`));
      continue;
    }
    try {
      const response = await options.host.callHttp({
        method: 'GET',
        url: uri,
        headers: { accept: kind === 'schema' ? 'application/schema+json, application/json, application/yaml' : 'text/javascript, text/plain' },
        principal: options.principal,
        idempotencyKey: `${options.runId}:resource:${uri}`,
        path,
        runId: options.runId,
        signal: new AbortController().signal,
        ...(options.hosts ? { hosts: options.hosts } : {}),
      });
      if (response.status < 200 || response.status > 299) throw new Error(`it answered ${response.status}`);
      const text = new TextDecoder().decode(response.body);
      if (kind === 'schema') await parseSchemaText(text, uri);
      resources[uri] = text;
    } catch (error) {
      const reason = AgentboxError.isInstance(error) || error instanceof Error ? error.message : String(error);
      issues.push(issue('structure', path, `${what} ${uri} cannot be fetched: ${reason}`));
    }
  }
  return { resources, issues };
}

/** A fetched schema's text as a JSON Schema object (JSON, or YAML). */
export async function parseSchemaText(text: string, uri: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = (await import('yaml')).parse(text);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${uri} is not a JSON Schema object`);
  return parsed as Record<string, unknown>;
}

function collect(value: unknown, path: string, into: Map<string, Reference>): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, `${path}/${index}`, into));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const node = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(node)) {
    const at = `${path}/${key}`;
    if (key === 'schema' && child !== null && typeof child === 'object' && 'resource' in child) {
      const uri = resourceUri((child as { resource: unknown }).resource);
      if (uri && !into.has(uri)) into.set(uri, { uri, path: `${at}/resource`, kind: 'schema' });
    } else if (key === 'script' && child !== null && typeof child === 'object' && 'source' in child) {
      const uri = resourceUri((child as { source: unknown }).source);
      if (uri && !into.has(uri)) into.set(uri, { uri, path: `${at}/source`, kind: 'script' });
    }
    collect(child, at, into);
  }
}
