import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { type ElicitRequest, ElicitResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ElicitationAnswer, ElicitationContent, ElicitationRequest } from '../engine/elicitation.js';
import { AgentboxError } from '../errors/agentbox-error.js';

/** How agentbox's MCP server sends a request to the client of the call being handled (the handler's `extra.sendRequest`). */
export type SendToClient = (
  request: { method: 'elicitation/create'; params: ElicitRequest['params'] },
  schema: typeof ElicitResultSchema,
  options: { signal: AbortSignal },
) => Promise<{ action: ElicitationAnswer['action']; content?: Record<string, unknown> }>;

/**
 * The client of agentbox's MCP server as the front end of its calls' questions: a proxied
 * server's `elicitation/create` goes on to the client that made the call — as a request
 * related to its `tools/call`, so over Streamable HTTP it travels on that call's stream — and
 * the client's answer comes back (checked against the form by the executor, like any
 * answer). Only for a client that declared elicitation (URL mode only if it declared that);
 * for any other, `undefined`: nobody can be asked and the request is refused.
 */
export function clientAsker(
  server: Server,
  send: SendToClient,
): ((request: ElicitationRequest, signal: AbortSignal) => Promise<ElicitationAnswer>) | undefined {
  const declared = server.getClientCapabilities()?.elicitation;
  if (!declared) return undefined;
  // `elicitation: {}` is a client from before modes: it takes forms only.
  const takesUrls = 'url' in declared && declared.url !== undefined;
  const client = server.getClientVersion()?.name ?? 'unnamed';
  return async (request, signal) => {
    if (request.url !== undefined && !takesUrls) {
      throw new AgentboxError('INVALID_INPUT', `the MCP client '${client}' asking through agentbox takes forms only, not a page to open`);
    }
    const params: ElicitRequest['params'] =
      request.url !== undefined
        ? { mode: 'url', message: request.message, url: request.url, elicitationId: request.id }
        : {
            message: request.message,
            requestedSchema: request.requestedSchema as Extract<ElicitRequest['params'], { requestedSchema: unknown }>['requestedSchema'],
          };
    const answer = await send({ method: 'elicitation/create', params }, ElicitResultSchema, { signal });
    return {
      action: answer.action,
      ...(answer.action === 'accept' && answer.content ? { content: answer.content as ElicitationContent } : {}),
      by: `mcp client ${client}`,
    };
  };
}
