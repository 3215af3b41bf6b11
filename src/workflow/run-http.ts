import { AgentboxError } from '../errors/agentbox-error.js';
import { type AuthenticationContext, authorizationHeader, forgetToken } from './http-authentication.js';
import type { WorkflowCallBase, WorkflowHost } from './workflow-host.js';
import { problem, WorkflowFault, type ProblemKind } from './workflow-problem.js';

/** What `with.output` asks for: the parsed content (default), the whole response, or the bytes in base64. */
export type HttpOutputMode = 'content' | 'response' | 'raw';

/** The methods `call: http` sends; validation checks a literal `method` against it. */
export const httpMethods: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A request ready to send, from `call: http`'s `with` or an OpenAPI operation. */
export interface HttpCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A string goes as it is; anything else as JSON (with `content-type: application/json` unless set). */
  body?: unknown;
  output: HttpOutputMode;
  /** The spec's `redirect`: when true, a 3xx answer is a result, not an error. */
  redirect: boolean;
  /** The endpoint's `authentication` policy, sent as `Authorization` (never journaled). */
  authentication?: unknown;
}

/** `{name}` in a URI template (RFC 6570 level 1; dots reach into nested objects). */
const templateVariable = /\{([A-Za-z_][\w.]*)\}/g;

/**
 * `call: http`: `with.method`, `with.endpoint` (a URI or `{ uri }`; `{var}` filled from the
 * task input, encoded), `with.headers`, `with.query`, `with.body`, `with.output`, `with.redirect`.
 */
export function httpCallOf(args: Record<string, unknown>, input: unknown, path: string): HttpCall {
  const method = typeof args.method === 'string' ? args.method.toUpperCase() : '';
  if (!httpMethods.includes(method)) throw fault('validation', path, `call: http needs with.method, one of ${httpMethods.join(', ')}`);
  const endpoint = args.endpoint && typeof args.endpoint === 'object' ? (args.endpoint as { uri?: unknown }).uri : args.endpoint;
  const authentication = args.endpoint && typeof args.endpoint === 'object' ? (args.endpoint as { authentication?: unknown }).authentication : undefined;
  if (typeof endpoint !== 'string' || endpoint === '') throw fault('validation', path, 'call: http needs with.endpoint (a URI, or { uri })');
  const url = withQuery(expandUriTemplate(endpoint, input, path), args.query, path);
  return {
    method,
    url,
    headers: stringRecord(args.headers, 'with.headers', path),
    ...(args.body !== undefined && args.body !== null ? { body: args.body } : {}),
    output: outputMode(args.output, path),
    redirect: args.redirect === true,
    ...(authentication !== undefined && authentication !== null ? { authentication } : {}),
  };
}

/** Fills each `{var}` from the task input, percent-encoded; a missing variable is a validation error. */
export function expandUriTemplate(template: string, input: unknown, path: string): string {
  return template.replace(templateVariable, (_match, name: string) => {
    let value: unknown = input;
    for (const part of name.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    if (value === undefined || value === null || typeof value === 'object') {
      throw fault('validation', path, `endpoint variable {${name}} is not a string or number in the task input`);
    }
    return encodeURIComponent(String(value));
  });
}

export function withQuery(url: string, query: unknown, path: string): string {
  const entries = Object.entries(stringRecord(query, 'with.query', path));
  if (entries.length === 0) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fault('validation', path, `endpoint '${url.slice(0, 200)}' is not an absolute URL`);
  }
  for (const [name, value] of entries) parsed.searchParams.append(name, value);
  return parsed.href;
}

export function outputMode(value: unknown, path: string): HttpOutputMode {
  if (value === undefined || value === 'content' || value === 'response' || value === 'raw') return value ?? 'content';
  throw fault('validation', path, `with.output must be content, response or raw, not ${JSON.stringify(value)}`);
}

/**
 * Sends one request through the host (which checks the grant on every hop and caps the
 * body) with the task's idempotency key as `Idempotency-Key`, and shapes the answer as
 * `output` says. A non-2xx answer (3xx too, unless `redirect`) faults with `communication`
 * and the answer's status, as the spec has it.
 */
export async function sendHttp(
  host: WorkflowHost,
  base: WorkflowCallBase & { hosts?: readonly string[] | undefined },
  call: HttpCall,
  auth?: Omit<AuthenticationContext, 'host' | 'base'>,
): Promise<unknown> {
  if (!host.callHttp) throw fault('configuration', base.path, 'this host grants no network: call: http and call: openapi cannot run');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.headers)) if (name.toLowerCase() !== 'idempotency-key') headers[name] = value;
  headers['Idempotency-Key'] = base.idempotencyKey;
  const context = call.authentication !== undefined && auth ? { ...auth, host, base } : undefined;
  if (call.authentication !== undefined && !context) throw fault('configuration', base.path, 'this call cannot authenticate');
  if (context) {
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
    const value = await authorizationHeader(call.authentication, context);
    if (value) headers.Authorization = value;
  }
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    if (typeof call.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const { hosts, ...callBase } = base;
  const send = (): ReturnType<NonNullable<WorkflowHost['callHttp']>> =>
    (host.callHttp as NonNullable<WorkflowHost['callHttp']>)({
      ...callBase,
      method: call.method,
      url: call.url,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(hosts ? { hosts } : {}),
    });
  let response: Awaited<ReturnType<NonNullable<WorkflowHost['callHttp']>>>;
  try {
    response = await send();
    // A refused OAuth2 token (revoked, rotated) is fetched again once; a second 401 is the answer.
    if (response.status === 401 && context && (await forgetToken(call.authentication, context))) {
      headers.Authorization = (await authorizationHeader(call.authentication, context)) as string;
      response = await send();
    }
  } catch (error) {
    // A network failure or an oversized answer is the spec's communication error; other codes (denied, timeout, cancelled) map as for every call.
    if (AgentboxError.isInstance(error) && (error.code === 'TOOL_FAILED' || error.code === 'TOOL_RESPONSE_TOO_LARGE')) {
      throw new WorkflowFault(problem('communication', { title: `call failed (${error.code})`, detail: error.message, instance: base.path }), { cause: error });
    }
    throw error;
  }
  const ok = response.status >= 200 && response.status < (call.redirect ? 400 : 300);
  const content = decodeContent(response.body, response.headers['content-type']);
  if (!ok) {
    const snippet = typeof content === 'string' ? content : JSON.stringify(content);
    throw new WorkflowFault({
      ...problem('communication', {
        title: `HTTP ${response.status}`,
        detail: `${call.method} ${call.url} answered ${response.status}${snippet ? `: ${String(snippet).slice(0, 300)}` : ''}`,
        instance: base.path,
      }),
      status: response.status,
    });
  }
  switch (call.output) {
    case 'raw':
      return base64(response.body);
    case 'response':
      // The output is journaled: credentials the request carried are not.
      return {
        request: { method: call.method, uri: call.url, headers: withoutCredentials(headers) },
        statusCode: response.status,
        headers: response.headers,
        content,
      };
    default:
      return content;
  }
}

/** JSON when the content type says so (and it parses), text otherwise; an empty JSON body is null. */
function decodeContent(bytes: Uint8Array, contentType: string | undefined): unknown {
  const text = new TextDecoder().decode(bytes);
  if (!contentType || !/[/+]json\b/i.test(contentType)) return text;
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep `String.fromCharCode(...)` under the engines' argument-count limits.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = /^(authorization|proxy-authorization|cookie)$/i.test(name) ? '[redacted]' : value;
  return out;
}

function stringRecord(value: unknown, what: string, path: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw fault('validation', path, `${what} must be an object`);
  const out: Record<string, string> = {};
  for (const [name, member] of Object.entries(value)) {
    if (member === undefined || member === null) continue;
    if (typeof member === 'object') throw fault('validation', path, `${what}.${name} must be a string, number or boolean`);
    out[name] = String(member);
  }
  return out;
}

function fault(kind: ProblemKind, instance: string, detail: string): WorkflowFault {
  return new WorkflowFault(problem(kind, { title: 'call failed', detail, instance }));
}
