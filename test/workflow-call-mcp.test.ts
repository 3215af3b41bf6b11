/**
 * `call: mcp` against a real MCP server (server-everything over stdio), configured under
 * tools.mcp.servers: tools/call and tools/list through the runtime's executor, a transport
 * naming no configured server refused, RBAC on the server's tools, bad input at validation.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRuntime } from '../src/node/runtime/node-runtime.js';
import { createRuntimeWorkflowHost } from '../src/runtime/create-runtime-workflow-host.js';
import { JqEvaluator } from '../src/workflow/jq-evaluator.js';
import { MemoryWorkflowJournal } from '../src/workflow/memory-workflow-journal.js';
import { validateWorkflow } from '../src/workflow/validate-workflow.js';
import { WorkflowEngine } from '../src/workflow/workflow-engine.js';
import { repoRoot } from './helpers/run-cli.js';

const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const servers = { everything: { command: process.execPath, args: [everything, 'stdio'], env: {} } };
const stdio = { stdio: { command: process.execPath, arguments: [everything, 'stdio'] } };
const document = { dsl: '1.0.0', namespace: 'test', name: 'mcp', version: '1.0.0' };
const jq = new JqEvaluator();
let runtime: NodeRuntime;
let engine: WorkflowEngine;

beforeAll(async () => {
  runtime = await NodeRuntime.init(
    { llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'none' }, store: { kind: 'memory' }, tools: { mcp: { servers } } },
    // alice may use every tool but the server's get-sum.
    {
      authorize: ({ tool, principal }) =>
        principal === 'alice' && tool.name === 'everything_get-sum'
          ? { allowed: false, reason: 'no tool:invoke:everything_get-sum for alice' }
          : { allowed: true, reason: 'test grant' },
    },
  );
  engine = new WorkflowEngine({ journal: new MemoryWorkflowJournal(), host: createRuntimeWorkflowHost(runtime, { mcp: { servers } }), jq });
}, 60_000);
afterAll(async () => {
  await engine?.close();
  await runtime?.close();
});

describe('call: mcp', () => {
  it('calls a tool of the configured server its transport names, and lists the server tools', async () => {
    const result = await engine.start(
      {
        document,
        do: [
          { sum: { call: 'mcp', with: { method: 'tools/call', transport: stdio, parameters: { name: 'get-sum', arguments: { a: '${ .a }', b: 25 } } } } },
          { list: { call: 'mcp', with: { method: 'tools/list', transport: stdio }, output: { as: '${ { sum: $context.sum, names: [ .tools[].name ] } }' } } },
        ].map((t, i) => (i === 0 ? { sum: { ...t.sum, export: { as: '${ { sum: . } }' } } } : t)),
      },
      { input: { a: 17 } },
    );
    expect(result.error).toBeUndefined();
    const output = result.output as { sum: unknown; names: string[] };
    expect(String(output.sum)).toContain('42');
    expect(output.names).toEqual(expect.arrayContaining(['echo', 'get-sum']));
  });

  it('reads the server prompts and resources: prompts/list, prompts/get with arguments, resources/read, templates', async () => {
    const call = (method: string, parameters?: Record<string, unknown>) => ({
      call: 'mcp',
      with: { method, transport: stdio, ...(parameters ? { parameters } : {}) },
    });
    const result = await engine.start(
      {
        document,
        do: [
          { prompts: { ...call('prompts/list'), export: { as: '${ { prompts: [ .prompts[].name ] } }' } } },
          {
            weather: {
              ...call('prompts/get', { name: 'args-prompt', arguments: { city: '${ $workflow.input.city }' } }),
              export: { as: '${ $context + { text: .messages[0].content.text } }' },
            },
          },
          { templates: { ...call('resources/templates/list'), export: { as: '${ $context + { templates: [ .resourceTemplates[].uriTemplate ] } }' } } },
          { read: { ...call('resources/read', { uri: 'demo://resource/dynamic/text/1' }), output: { as: '${ $context + { uri: .contents[0].uri } }' } } },
        ],
      },
      { input: { city: 'Lyon' } },
    );
    expect(result.error).toBeUndefined();
    expect(result.output).toMatchObject({
      prompts: expect.arrayContaining(['simple-prompt', 'args-prompt']),
      text: "What's weather in Lyon?",
      templates: expect.arrayContaining(['demo://resource/dynamic/text/{resourceId}']),
      uri: 'demo://resource/dynamic/text/1',
    });
    const missing = await engine.start({ document, do: [{ read: call('resources/read', {}) }] });
    expect(missing.error).toMatchObject({ status: 400, instance: '/do/0/read', detail: expect.stringContaining('needs with.parameters.uri') });
  });

  it('refuses a transport that names no configured server, and holds the server tools to RBAC', async () => {
    const stranger = await engine.start({
      document,
      do: [
        {
          spawn: {
            call: 'mcp',
            with: { method: 'tools/call', transport: { stdio: { command: 'sh', arguments: ['-c', 'echo owned'] } }, parameters: { name: 'x' } },
          },
        },
      ],
    });
    expect(stranger.error).toMatchObject({ status: 403, instance: '/do/0/spawn', type: expect.stringContaining('/authorization') });
    expect(stranger.error?.detail).toContain('not a server configured under tools.mcp.servers');
    const denied = await engine.start(
      {
        document,
        do: [{ sum: { call: 'mcp', with: { method: 'tools/call', transport: stdio, parameters: { name: 'get-sum', arguments: { a: 1, b: 2 } } } } }],
      },
      { principal: 'alice' },
    );
    expect(denied.error).toMatchObject({ status: 403, instance: '/do/0/sum' });
    expect(denied.error?.detail).toContain('no tool:invoke:everything_get-sum for alice');
  });

  it('validation: a tools/call without a tool name is an error, a method the schema does not list (initialize) an error', async () => {
    const result = await validateWorkflow(
      {
        document,
        do: [
          { a: { call: 'mcp', with: { method: 'tools/call', transport: stdio, parameters: { arguments: {} } } } },
          { b: { call: 'mcp', with: { method: 'initialize', transport: stdio } } },
        ],
      },
      { jq },
    );
    expect(result.issues.map((i) => `${i.severity} ${i.path}`)).toEqual([
      'error /do/0/a/with/parameters/name',
      'warning /do/1/b/with/method',
      'error /do/1/b/with/method',
    ]);
    const noMethod = await validateWorkflow({ document, do: [{ c: { call: 'mcp', with: { transport: stdio, parameters: { name: 'echo' } } } }] }, { jq });
    expect(noMethod.issues.map((i) => `${i.code} ${i.path}: ${i.message}`)).toEqual(["schema /do/0/c/with: must have required property 'method'"]);
  });
});
