import type { z } from 'zod';
import { listRunsQuerySchema, postRunEventBodySchema, startRunBodySchema } from './workflow-request-schemas.js';

/** The workflow routes' part of the OpenAPI document (bodies from the validating zod schemas). */
type Json = Record<string, unknown>;

interface Helpers {
  json: (schema: Json, description?: string) => Json;
  sse: (description: string) => Json;
  errors: (...statuses: number[]) => Json;
  ref: (name: string) => Json;
  idParam: Json;
  authErrors: number[];
  eventLogGet: (summary: string, event: Json) => Json;
}

const statusEnum = { enum: listRunsQuerySchema.shape.status.unwrap().options };
const problem: Json = {
  type: 'object',
  description: 'An RFC 7807 problem, as the Serverless Workflow spec defines errors; instance is the task’s JSON pointer',
  required: ['type', 'status'],
  properties: { type: { type: 'string' }, status: { type: 'integer' }, title: { type: 'string' }, detail: { type: 'string' }, instance: { type: 'string' } },
};

export function workflowSchemas(body: (schema: z.ZodType) => Json): Record<string, Json> {
  return {
    StartRunRequest: body(startRunBodySchema),
    PostRunEventRequest: body(postRunEventBodySchema),
    WorkflowProblem: problem,
    RunStarted: { type: 'object', required: ['runId', 'status'], properties: { runId: { type: 'string' }, status: statusEnum } },
    RunSummary: {
      type: 'object',
      required: ['runId', 'workflow', 'status', 'principal', 'createdAt', 'updatedAt'],
      properties: {
        runId: { type: 'string' },
        workflow: { type: 'string', description: 'document.namespace/document.name' },
        status: statusEnum,
        principal: { type: 'string', description: 'who started it' },
        createdAt: { type: 'integer' },
        updatedAt: { type: 'integer' },
        cancelRequested: { type: 'string' },
      },
    },
    Run: {
      type: 'object',
      required: ['runId', 'status', 'tasks', 'workflow', 'principal', 'createdAt', 'updatedAt', 'input', 'waiting'],
      properties: {
        runId: { type: 'string' },
        status: statusEnum,
        output: { description: 'only when completed' },
        error: { $ref: '#/components/schemas/WorkflowProblem' },
        tasks: {
          type: 'array',
          description: 'every task that started, in the order it first started',
          items: {
            type: 'object',
            required: ['path', 'name', 'status'],
            properties: {
              path: { type: 'string' },
              name: { type: 'string' },
              status: { enum: ['running', 'completed', 'faulted', 'skipped', 'cancelled'] },
            },
          },
        },
        workflow: { type: 'string' },
        principal: { type: 'string' },
        createdAt: { type: 'integer' },
        updatedAt: { type: 'integer' },
        input: { description: 'the run’s input' },
        waiting: {
          type: 'array',
          description: 'listen tasks waiting for a posted event',
          items: {
            type: 'object',
            required: ['key', 'path', 'name'],
            properties: { key: { type: 'string' }, path: { type: 'string' }, name: { type: 'string' }, to: { type: 'object' } },
          },
        },
        cancelRequested: { type: 'string' },
      },
    },
    RunEvent: {
      type: 'object',
      required: ['type', 'runId', 'seq', 'time'],
      properties: { type: { type: 'string' }, runId: { type: 'string' }, seq: { type: 'integer' }, time: { type: 'integer' } },
    },
  };
}

export function workflowPaths(h: Helpers): Record<string, Json> {
  const { json, errors, ref, idParam, authErrors, eventLogGet } = h;
  const changed = (description: string): Json =>
    json(
      { type: 'object', required: ['runId', 'status'], properties: { runId: { type: 'string' }, status: statusEnum, cancelled: { type: 'boolean' } } },
      description,
    );
  return {
    '/v1/workflows/runs': {
      post: {
        summary: 'Start a run of an inline definition (object, or YAML/JSON text) as the caller (workflow:run); it runs in the background',
        requestBody: { required: true, content: { 'application/json': { schema: ref('StartRunRequest') } } },
        responses: { '201': json(ref('RunStarted'), 'started'), ...errors(400, 403, 413, ...authErrors) },
      },
      get: {
        summary: 'List own runs (all with workflow:read:any), most recently updated first',
        parameters: [
          { name: 'status', in: 'query', schema: statusEnum },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
        ],
        responses: {
          '200': json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('RunSummary') } } }),
          ...errors(400, 403, ...authErrors),
        },
      },
    },
    '/v1/workflows/runs/{id}': {
      parameters: [idParam],
      get: { summary: 'A run: status, output or error, tasks, waiting listens', responses: { '200': json(ref('Run')), ...errors(403, 404, ...authErrors) } },
    },
    '/v1/workflows/runs/{id}/cancel': {
      parameters: [idParam],
      post: {
        summary: 'Cancel a run (workflow:cancel); 202 when another process holds it and was asked to stop',
        responses: { '200': changed('cancelled'), '202': changed('cancel requested'), ...errors(403, 404, 409, ...authErrors) },
      },
    },
    '/v1/workflows/runs/{id}/resume': {
      parameters: [idParam],
      post: {
        summary: 'Resume a run no live process holds (workflow:run): 202 while it runs here, 200 with the status of an ended run',
        responses: { '200': changed('the run had ended'), '202': changed('resumed'), ...errors(403, 404, 409, ...authErrors) },
      },
    },
    '/v1/workflows/runs/{id}/events': {
      parameters: [idParam],
      post: {
        summary: 'Post an event ({ type, data?, source?, subject? }) or an approval ({ approved, reason? } = type approval) for the run’s listen tasks',
        requestBody: { required: true, content: { 'application/json': { schema: ref('PostRunEventRequest') } } },
        responses: {
          '202': json({ type: 'object', required: ['runId', 'seq'], properties: { runId: { type: 'string' }, seq: { type: 'integer' } } }, 'posted'),
          ...errors(400, 403, 404, 409, 413, ...authErrors),
        },
      },
      get: eventLogGet(
        'The run’s journal as SSE (event = type, id = seq) after Last-Event-ID (or ?after=), live, ending after the run’s last event',
        ref('RunEvent'),
      ),
    },
  };
}
