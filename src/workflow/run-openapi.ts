import { outputMode, sendHttp, withQuery } from './run-http.js';
import type { AuthenticationContext } from './http-authentication.js';
import type { WorkflowCallBase, WorkflowHost } from './workflow-host.js';
import { problem, WorkflowFault } from './workflow-problem.js';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie' | 'body';
  required?: boolean;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  servers?: Array<{ url?: string; variables?: Record<string, { default?: string }> }>;
  /** OpenAPI 3's `requestBody`: the body is given as the parameter `body`, as Swagger 2 names it. */
  requestBody: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document from the network, read by shape
type Document = Record<string, any>;

const operationMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * `call: openapi`: fetches the document (`with.document.endpoint`, JSON or YAML, under the
 * run's host grant like any request), finds `with.operationId`, builds its request — the
 * first server's URL (relative to the document's), path parameters substituted and
 * encoded, query, header and cookie parameters from `with.parameters`, and the request body
 * as the parameter `body` (the spec's `with` has no separate body) — and
 * sends it the way `call: http` does (grant, `Idempotency-Key`, `with.output`).
 */
export async function runOpenApi(
  host: WorkflowHost,
  base: WorkflowCallBase & { hosts?: readonly string[] | undefined },
  args: Record<string, unknown>,
  auth?: Omit<AuthenticationContext, 'host' | 'base'>,
): Promise<unknown> {
  const document = args.document as { endpoint?: unknown } | undefined;
  const endpoint = document?.endpoint && typeof document.endpoint === 'object' ? (document.endpoint as { uri?: unknown }).uri : document?.endpoint;
  const documentAuthentication =
    document?.endpoint && typeof document.endpoint === 'object' ? (document.endpoint as { authentication?: unknown }).authentication : undefined;
  if (typeof endpoint !== 'string' || endpoint === '') throw invalid(base.path, 'call: openapi needs with.document.endpoint');
  if (typeof args.operationId !== 'string' || args.operationId === '') throw invalid(base.path, 'call: openapi needs with.operationId');
  const output = outputMode(args.output, base.path);
  const spec = await fetchDocument(host, base, endpoint, documentAuthentication, auth);
  const operation = findOperation(spec, args.operationId);
  if (!operation) throw invalid(base.path, `the OpenAPI document at ${endpoint} has no operation '${args.operationId}'`);
  const given = (args.parameters ?? {}) as Record<string, unknown>;
  if (typeof given !== 'object' || Array.isArray(given)) throw invalid(base.path, 'with.parameters must be an object');
  for (const name of Object.keys(given)) {
    if (name === 'body' && operation.requestBody) continue;
    if (!operation.parameters.some((p) => p.name === name)) throw invalid(base.path, `operation '${args.operationId}' has no parameter '${name}'`);
  }
  let path = operation.path;
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  let body: unknown = operation.requestBody ? given.body : undefined;
  for (const p of operation.parameters) {
    const value = given[p.name];
    if (value === undefined || value === null) {
      if (p.required || p.in === 'path') throw invalid(base.path, `operation '${args.operationId}' needs parameter '${p.name}' (in ${p.in})`);
      continue;
    }
    if (p.in === 'body') body ??= value;
    else if (p.in === 'path') path = path.split(`{${p.name}}`).join(encodeURIComponent(String(value)));
    else if (p.in === 'query') query[p.name] = Array.isArray(value) ? value.join(',') : String(value);
    else if (p.in === 'header') headers[p.name] = String(value);
    else cookies.push(`${p.name}=${encodeURIComponent(String(value))}`);
  }
  if (cookies.length > 0) headers.Cookie = cookies.join('; ');
  const server = serverUrl(spec, operation, endpoint);
  const url = withQuery(`${server.replace(/\/+$/, '')}${path}`, query, base.path);
  const authentication = args.authentication ?? undefined;
  return sendHttp(
    host,
    base,
    {
      method: operation.method,
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
      output,
      redirect: args.redirect === true,
      ...(authentication !== undefined && authentication !== null ? { authentication } : {}),
    },
    auth,
  );
}

async function fetchDocument(
  host: WorkflowHost,
  base: WorkflowCallBase & { hosts?: readonly string[] | undefined },
  url: string,
  authentication: unknown,
  auth: Omit<AuthenticationContext, 'host' | 'base'> | undefined,
): Promise<Document> {
  const content = await sendHttp(
    host,
    base,
    {
      method: 'GET',
      url,
      headers: { accept: 'application/json, application/yaml' },
      output: 'content',
      redirect: false,
      ...(authentication !== undefined && authentication !== null ? { authentication } : {}),
    },
    auth,
  );
  let parsed: unknown = content;
  if (typeof content === 'string') {
    try {
      // Loaded only for a YAML document: a run without one never pays for the parser.
      parsed = (await import('yaml')).parse(content);
    } catch (error) {
      throw invalid(base.path, `the OpenAPI document at ${url} is neither JSON nor YAML: ${(error as Error).message}`);
    }
  }
  if (!parsed || typeof parsed !== 'object' || typeof (parsed as Document).paths !== 'object') {
    throw invalid(base.path, `the document at ${url} is not an OpenAPI document (no paths)`);
  }
  return parsed as Document;
}

function findOperation(spec: Document, operationId: string): Operation | undefined {
  for (const [path, item] of Object.entries(spec.paths as Document)) {
    if (!item || typeof item !== 'object') continue;
    for (const method of operationMethods) {
      const op = item[method];
      if (op?.operationId !== operationId) continue;
      // Operation parameters override path-level ones with the same name and location.
      const byKey = new Map<string, Parameter>();
      for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const p = resolveRef(spec, raw) as Parameter | undefined;
        if (p && typeof p.name === 'string') byKey.set(`${p.in}:${p.name}`, p);
      }
      const parameters = [...byKey.values()];
      const requestBody = op.requestBody !== undefined && !parameters.some((p) => p.name === 'body');
      return { method: method.toUpperCase(), path, parameters, servers: op.servers ?? item.servers, requestBody };
    }
  }
  return undefined;
}

/** A local `$ref` (`#/components/parameters/limit`); other references are not followed. */
function resolveRef(spec: Document, value: unknown): unknown {
  const ref = (value as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string') return value;
  if (!ref.startsWith('#/')) return undefined;
  let target: unknown = spec;
  for (const part of ref.slice(2).split('/')) target = (target as Document | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  return target;
}

/** The first server (the operation's, else the document's), relative to the document URL; Swagger 2 from host and basePath. */
function serverUrl(spec: Document, operation: Operation, documentUrl: string): string {
  if (typeof spec.swagger === 'string') {
    const from = new URL(documentUrl);
    const scheme = Array.isArray(spec.schemes) && spec.schemes.length > 0 ? spec.schemes[0] : from.protocol.slice(0, -1);
    return `${scheme}://${spec.host ?? from.host}${spec.basePath ?? ''}`;
  }
  const server = operation.servers?.[0] ?? spec.servers?.[0];
  let url = typeof server?.url === 'string' ? server.url : '/';
  for (const [name, variable] of Object.entries((server?.variables ?? {}) as Record<string, { default?: string }>)) {
    url = url.split(`{${name}}`).join(String(variable?.default ?? ''));
  }
  return new URL(url, documentUrl).href;
}

function invalid(instance: string, detail: string): WorkflowFault {
  return new WorkflowFault(problem('validation', { title: 'call failed', detail, instance }));
}
