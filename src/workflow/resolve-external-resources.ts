import { AgentboxError } from '../errors/agentbox-error.js';
import { authorizationHeader } from './http-authentication.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowHost } from './workflow-host.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';

/** A resource a definition names by URI: a schema's `resource`, a script's `source`. */
interface Reference {
  uri: string;
  /** The JSON pointer of the field naming it, for an issue. */
  path: string;
  kind: 'schema' | 'script';
  /** The endpoint's `authentication`, when it has one. */
  authentication?: unknown;
  /** The definition naming it: its `use.authentications` resolve a `use:` policy. */
  definition: WorkflowDefinition;
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
  options: {
    host: WorkflowHost;
    principal: string;
    hosts?: readonly string[];
    runId: string;
    /** For an endpoint's `authentication`: the configured secrets, the clock, and how to evaluate a policy's expressions. */
    secrets?: Record<string, unknown>;
    now?: () => number;
    evaluate?: (value: unknown) => Promise<unknown>;
  },
): Promise<ResourceResolution> {
  const references = new Map<string, Reference>();
  for (const definition of definitions) collect(definition, definition, '', references);
  const resources: Record<string, string> = {};
  const issues: WorkflowIssue[] = [];
  const tokens = new Map();
  for (const { uri, path, kind, authentication, definition } of references.values()) {
    const what = kind === 'schema' ? 'schema resource' : 'script source';
    if (!options.host.callHttp) {
      issues.push(issue('structure', path, `${what} ${uri}: this host cannot fetch resources`));
      continue;
    }
    const base = {
      principal: options.principal,
      idempotencyKey: `${options.runId}:resource:${uri}`,
      path,
      runId: options.runId,
      signal: new AbortController().signal,
      ...(options.hosts ? { hosts: options.hosts } : {}),
    };
    try {
      // Fetched under the endpoint's policy, like a call's: the credentials stay in memory.
      const authorization =
        authentication === undefined
          ? undefined
          : await authorizationHeader(authentication, {
              definition,
              secrets: options.secrets ?? {},
              host: options.host,
              base,
              tokens,
              now: options.now ?? (() => Date.now()),
              evaluate: options.evaluate ?? (async (value) => value),
            });
      const response = await options.host.callHttp({
        method: 'GET',
        url: uri,
        headers: {
          accept: kind === 'schema' ? 'application/schema+json, application/json, application/yaml' : 'text/javascript, text/plain',
          ...(authorization ? { authorization } : {}),
        },
        ...base,
      });
      if (response.status < 200 || response.status > 299) throw new Error(`it answered ${response.status}`);
      const text = new TextDecoder().decode(response.body);
      if (kind === 'schema') await parseSchemaText(text, uri);
      resources[uri] = text;
    } catch (error) {
      const reason = faultDetail(error);
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

/** What went wrong, from a workflow fault (an authentication refused) or an error. */
function faultDetail(error: unknown): string {
  const problem = (error as { problem?: { title?: string; detail?: string } }).problem;
  if (problem) return [problem.title, problem.detail].filter(Boolean).join(': ');
  return AgentboxError.isInstance(error) || error instanceof Error ? error.message : String(error);
}

function collect(definition: WorkflowDefinition, value: unknown, path: string, into: Map<string, Reference>): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collect(definition, item, `${path}/${index}`, into));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const node = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(node)) {
    const at = `${path}/${key}`;
    const field = key === 'schema' ? 'resource' : key === 'script' ? 'source' : undefined;
    if (field && child !== null && typeof child === 'object' && field in child) {
      const resource = (child as Record<string, unknown>)[field];
      const uri = resourceUri(resource);
      const endpoint = (resource as { endpoint?: unknown } | null)?.endpoint;
      const authentication = endpoint !== null && typeof endpoint === 'object' ? (endpoint as { authentication?: unknown }).authentication : undefined;
      if (uri && !into.has(uri))
        into.set(uri, {
          uri,
          path: `${at}/${field}`,
          kind: key === 'schema' ? 'schema' : 'script',
          definition,
          ...(authentication !== undefined ? { authentication } : {}),
        });
    }
    collect(definition, child, at, into);
  }
}
