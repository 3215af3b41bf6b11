import { z } from 'zod';
import { chatCompletionRequestSchema } from './chat/chat-completion-request.js';
import { approvalBodySchema, createSessionBodySchema, postMessageBodySchema } from './request-schemas.js';
import { elicitationBodySchema } from './request-schemas.js';
import { mcpPaths } from './openapi-mcp.js';
import { workflowPaths, workflowSchemas } from './openapi-workflows.js';

/**
 * The OpenAPI 3.1 description of the service. Request bodies are generated from the same
 * zod schemas that validate them, so the document cannot drift from the checks.
 */
type Json = Record<string, unknown>;

const body = (schema: z.ZodType): Json => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description = 'OK'): Json => ({ description, content: { 'application/json': { schema } } });
const sse = (description: string): Json => ({ description, content: { 'text/event-stream': { schema: { type: 'string' } } } });
const errors = (...statuses: number[]): Json => Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/E${s}` }]));
/** The OpenAI-compatible routes answer errors in OpenAI's `ErrorResponse` shape (see openai-error.ts). */
const openAiErrors = (...statuses: number[]): Json => Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/O${s}` }]));
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const authErrors = [401, 429];
/** A GET of an event log: the stored events after Last-Event-ID (or ?after=) then live ones as SSE, or the stored ones as JSON. */
const eventLogGet = (summary: string, event: Json): Json => ({
  summary,
  parameters: [
    { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0 } },
    { name: 'Last-Event-ID', in: 'header', schema: { type: 'integer', minimum: 0 } },
  ],
  responses: {
    '200': {
      ...sse('events'),
      content: { ...(sse('').content as Json), 'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: event } } } } },
    },
    ...errors(400, 403, 404, ...authErrors),
  },
});

const errorDescriptions: Record<number, string> = {
  400: 'invalid input; the message names the field',
  401: 'no or wrong API key',
  403: 'the key\u2019s roles do not grant this, or a foreign Host or Origin',
  404: 'no such session or workflow run (or not yours)',
  409: 'the session is running a turn; the workflow run is held elsewhere or has ended',
  413: 'body too large',
  415: 'the body is not application/json',
  429: 'rate limited; see Retry-After',
  502: 'the LLM failed',
};

const sessionSchema: Json = {
  type: 'object',
  required: ['id', 'owner', 'state', 'messages', 'usage', 'metadata', 'createdAt', 'updatedAt', 'lastSeq', 'turns'],
  properties: {
    id: { type: 'string' },
    owner: { type: 'string' },
    state: { enum: ['idle', 'awaiting_llm', 'awaiting_approval', 'running_tools', 'completed', 'failed', 'cancelled'] },
    messages: {
      type: 'array',
      items: { type: 'object', required: ['role'], properties: { role: { enum: ['system', 'user', 'assistant', 'tool'] }, content: { type: 'string' } } },
    },
    usage: {
      type: 'object',
      description:
        'tokens (promptTokens, completionTokens, totalTokens, cachedPromptTokens when reported), calls, time, and cost when llm.prices prices the model',
      additionalProperties: { type: 'number' },
    },
    lastRequest: {
      type: 'object',
      description: 'what the last model request sent (messages, counted tokens, history left out) and what the server reported for it',
      required: ['step', 'model', 'messages', 'promptTokens', 'exact', 'usage'],
      properties: {
        step: { type: 'integer' },
        model: { type: 'string' },
        messages: { type: 'integer' },
        promptTokens: { type: 'integer' },
        exact: { type: 'boolean' },
        correctedTokens: { type: 'integer' },
        dropped: { type: 'object', properties: { messages: { type: 'integer' }, tokens: { type: 'integer' } } },
        usage: { type: 'object', additionalProperties: { type: 'number' } },
        cost: { type: 'number' },
      },
    },
    metadata: { type: 'object' },
    createdAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
    lastSeq: { type: 'integer' },
    turns: { type: 'integer' },
  },
};

function build(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'agentbox',
      version: '0.1.0',
      description: 'Sessions API, event streams, workflow runs, an OpenAI-compatible endpoint backed by an agentbox agent, and its tools over MCP.',
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key whose SHA-256 is in server.apiKeys (none in local mode).' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
            },
          },
        },
        OpenAIError: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['message', 'type', 'param', 'code'],
              properties: {
                message: { type: 'string' },
                type: { type: 'string' },
                param: { type: ['string', 'null'] },
                code: { type: ['string', 'null'], description: "agentbox's error code" },
              },
            },
          },
        },
        Session: sessionSchema,
        SessionSummary: {
          type: 'object',
          required: ['id', 'owner', 'state', 'title', 'createdAt', 'updatedAt', 'lastSeq'],
          properties: {
            id: { type: 'string' },
            owner: { type: 'string' },
            state: { type: 'string' },
            title: { type: 'string' },
            createdAt: { type: 'integer' },
            updatedAt: { type: 'integer' },
            lastSeq: { type: 'integer' },
          },
        },
        AgentEvent: {
          type: 'object',
          required: ['type', 'sessionId', 'seq', 'time'],
          properties: {
            type: { type: 'string' },
            sessionId: { type: 'string' },
            seq: { type: 'integer', description: '0 for transient events (text deltas)' },
            time: { type: 'integer' },
          },
        },
        CreateSessionRequest: body(createSessionBodySchema),
        PostMessageRequest: body(postMessageBodySchema),
        ApprovalRequest: body(approvalBodySchema),
        ElicitationAnswer: body(elicitationBodySchema),
        CreateChatCompletionRequest: body(chatCompletionRequestSchema),
        ...workflowSchemas(body),
        Model: {
          type: 'object',
          required: ['id', 'object', 'created', 'owned_by'],
          properties: { id: { type: 'string' }, object: { const: 'model' }, created: { type: 'integer' }, owned_by: { type: 'string' } },
        },
      },
      responses: Object.fromEntries(
        Object.entries(errorDescriptions).flatMap(([s, d]) => [
          [`E${s}`, json(ref('Error'), d)],
          [`O${s}`, json(ref('OpenAIError'), d)],
        ]),
      ),
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/sessions': {
        post: {
          summary: 'Create a session',
          requestBody: { content: { 'application/json': { schema: ref('CreateSessionRequest') } } },
          responses: { '201': json(ref('Session'), 'created'), ...errors(400, 403, 413, ...authErrors) },
        },
        get: {
          summary: 'List own sessions (all with session:read:any), most recent first',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
            { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          ],
          responses: {
            '200': json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('SessionSummary') } } }),
            ...errors(400, 403, ...authErrors),
          },
        },
      },
      '/v1/sessions/{id}': {
        parameters: [idParam],
        get: { summary: 'A session: messages, state, usage', responses: { '200': json(ref('Session')), ...errors(403, 404, ...authErrors) } },
        delete: { summary: 'Delete a session and its events', responses: { '204': { description: 'deleted' }, ...errors(403, 404, 409, ...authErrors) } },
      },
      '/v1/sessions/{id}/messages': {
        parameters: [idParam],
        post: {
          summary: 'Run a turn. Accept: text/event-stream streams its events (event = type, id = seq); otherwise JSON after the turn',
          requestBody: { required: true, content: { 'application/json': { schema: ref('PostMessageRequest') } } },
          responses: {
            '200': {
              description: 'the turn',
              content: {
                'application/json': {
                  schema: { type: 'object', required: ['session', 'text'], properties: { session: ref('Session'), text: { type: 'string' } } },
                },
                'text/event-stream': { schema: { type: 'string' } },
              },
            },
            ...errors(400, 403, 404, 409, 413, 502, ...authErrors),
          },
        },
      },
      '/v1/sessions/{id}/events': {
        parameters: [idParam],
        get: eventLogGet('Stored events after Last-Event-ID (or ?after=), then live ones; Accept: application/json for the stored log', ref('AgentEvent')),
      },
      '/v1/sessions/{id}/approvals/{callId}': {
        parameters: [idParam, { name: 'callId', in: 'path', required: true, schema: { type: 'string' } }],
        post: {
          summary: 'Approve or deny a pending tool call',
          requestBody: { required: true, content: { 'application/json': { schema: ref('ApprovalRequest') } } },
          responses: {
            '200': json({ type: 'object', properties: { callId: { type: 'string' }, approved: { type: 'boolean' } } }),
            ...errors(400, 403, 404, ...authErrors),
          },
        },
      },
      '/v1/sessions/{id}/elicitations/{elicitationId}': {
        parameters: [idParam, { name: 'elicitationId', in: 'path', required: true, schema: { type: 'string' } }],
        post: {
          summary:
            "Answer a running tool's form (an MCP server's elicitation, announced by an elicitation.requested event): accept with content matching its requestedSchema, decline or cancel. A mismatch is a 400 and the form keeps waiting",
          requestBody: { required: true, content: { 'application/json': { schema: ref('ElicitationAnswer') } } },
          responses: {
            '200': json({ type: 'object', properties: { id: { type: 'string' }, action: { enum: ['accept', 'decline', 'cancel'] } } }),
            ...errors(400, 403, 404, ...authErrors),
          },
        },
      },
      '/v1/sessions/{id}/cancel': {
        parameters: [idParam],
        post: {
          summary: 'Cancel the running turn',
          responses: {
            '200': json({ type: 'object', required: ['cancelled'], properties: { cancelled: { type: 'boolean' } } }),
            ...errors(403, 404, ...authErrors),
          },
        },
      },
      '/v1/chat/completions': {
        post: {
          summary: 'OpenAI-compatible chat completion answered by an agentbox agent with its tools',
          requestBody: { required: true, content: { 'application/json': { schema: ref('CreateChatCompletionRequest') } } },
          responses: {
            '200': {
              description: 'a chat.completion, or chat.completion.chunk events ending with [DONE] when stream is true',
              content: { 'application/json': { schema: { type: 'object' } }, 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...openAiErrors(400, 403, 413, 415, 502, ...authErrors),
          },
        },
      },
      '/v1/models': {
        get: {
          summary: 'OpenAI-compatible: the model the agent answers as',
          responses: {
            '200': json({
              type: 'object',
              required: ['object', 'data'],
              properties: { object: { const: 'list' }, data: { type: 'array', items: ref('Model') } },
            }),
            ...openAiErrors(...authErrors),
          },
        },
      },
      '/v1/models/{model}': {
        parameters: [{ name: 'model', in: 'path', required: true, schema: { type: 'string' } }],
        get: { summary: 'OpenAI-compatible: one model', responses: { '200': json(ref('Model')), ...openAiErrors(404, ...authErrors) } },
      },
      ...workflowPaths({ json, sse, errors, ref, idParam, authErrors, eventLogGet }),
      ...mcpPaths({ errors, authErrors }),
      '/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': json({ type: 'object' }) } } },
      '/healthz': { get: { summary: 'The process is alive', security: [], responses: { '200': json({ type: 'object' }) } } },
      '/readyz': {
        get: { summary: 'The store answers', security: [], responses: { '200': json({ type: 'object' }), '503': json(ref('Error'), 'not ready') } },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
    },
  };
}

let cached: Json | undefined;

export function openApiDocument(): Json {
  cached ??= build();
  return cached;
}
