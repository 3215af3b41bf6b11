import { checkAuthentication } from './check-authentication.js';
import { expressionBody } from './runtime-expression.js';
import { httpMethods } from './run-http.js';
import { mcpMethods } from './run-mcp.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';

const isLiteral = (value: unknown): value is string => typeof value === 'string' && expressionBody(value) === undefined;

/** `call: http`: a method (a literal one must be an HTTP method) and an endpoint (a literal one an absolute http(s) URL or URI template). */
export function checkCallHttp(args: Record<string, unknown> | undefined, path: string, authentications?: Record<string, unknown>): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  const method = args?.method;
  if (typeof method !== 'string') issues.push(issue('structure', `${path}/with/method`, `call: http needs \`with.method\` (${httpMethods.join(', ')})`));
  else if (isLiteral(method) && !httpMethods.includes(method.toUpperCase())) {
    issues.push(issue('structure', `${path}/with/method`, `'${method}' is not an HTTP method (${httpMethods.join(', ')})`));
  }
  issues.push(...checkEndpoint(args?.endpoint, `${path}/with/endpoint`, 'call: http needs `with.endpoint`'));
  issues.push(...checkAuthentication(authenticationOf(args?.endpoint), `${path}/with/endpoint/authentication`, authentications));
  issues.push(...checkOutput(args?.output, path));
  return issues;
}

/** `call: openapi`: `with.document.endpoint` (as an http endpoint) and `with.operationId`. */
export function checkCallOpenApi(args: Record<string, unknown> | undefined, path: string, authentications?: Record<string, unknown>): WorkflowIssue[] {
  const document = args?.document as Record<string, unknown> | undefined;
  const issues = checkEndpoint(document?.endpoint, `${path}/with/document/endpoint`, 'call: openapi needs `with.document.endpoint`, the OpenAPI document URL');
  issues.push(...checkAuthentication(authenticationOf(document?.endpoint), `${path}/with/document/endpoint/authentication`, authentications));
  issues.push(...checkAuthentication(args?.authentication, `${path}/with/authentication`, authentications));
  if (typeof args?.operationId !== 'string' || args.operationId === '') {
    issues.push(issue('structure', `${path}/with/operationId`, 'call: openapi needs `with.operationId`, the operation to call'));
  }
  issues.push(...checkOutput(args?.output, path));
  return issues;
}

function authenticationOf(endpoint: unknown): unknown {
  return endpoint !== null && typeof endpoint === 'object' ? (endpoint as { authentication?: unknown }).authentication : undefined;
}

function checkOutput(output: unknown, path: string): WorkflowIssue[] {
  if (output === undefined || (typeof output === 'string' && (!isLiteral(output) || ['content', 'response', 'raw'].includes(output)))) return [];
  return [issue('structure', `${path}/with/output`, '`with.output` must be content, response or raw')];
}

function checkEndpoint(endpoint: unknown, at: string, missing: string): WorkflowIssue[] {
  const uri = endpoint !== null && typeof endpoint === 'object' ? (endpoint as { uri?: unknown }).uri : endpoint;
  if (typeof uri !== 'string' || uri === '') return [issue('structure', at, `${missing} (a URI, or { uri })`)];
  if (!isLiteral(uri)) return [];
  let url: URL | undefined;
  try {
    // A URI template's `{var}`s are filled at run time; a placeholder shows whether the rest is a URL.
    url = new URL(uri.replace(/\{[^{}]*\}/g, 'x'));
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return [];
  return [issue('structure', at, `'${uri.slice(0, 200)}' is not an absolute http(s) URL or URI template`)];
}

/**
 * `call: mcp`: a transport (which must name a configured server, checked when it runs), a
 * method agentbox runs (`tools/call`, `tools/list`, the prompts and resources methods; others,
 * such as `initialize`, are the client's own business and warned about), and for
 * `tools/call` the tool's name.
 */
export function checkCallMcp(args: Record<string, unknown> | undefined, path: string): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  const method = args?.method ?? 'tools/call';
  if (isLiteral(method) && !(mcpMethods as readonly string[]).includes(method)) {
    issues.push(
      issue(
        'not-implemented',
        `${path}/with/method`,
        `MCP method ${method} is not supported by agentbox (it runs ${mcpMethods.join(', ')}; the connection itself is agentbox's)`,
      ),
    );
  }
  if (args?.transport === undefined)
    issues.push(issue('structure', `${path}/with/transport`, 'call: mcp needs `with.transport` (stdio or http) naming a configured server'));
  const parameters = args?.parameters as Record<string, unknown> | undefined;
  if (method === 'tools/call' && typeof parameters !== 'string' && typeof parameters?.name !== 'string') {
    issues.push(issue('structure', `${path}/with/parameters/name`, 'tools/call needs `with.parameters.name`, the tool to call'));
  }
  return issues;
}
