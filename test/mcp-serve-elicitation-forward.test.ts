import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpServer, MCP_SESSION_META_KEY } from '../src/mcp/create-mcp-server.js';
import { NodeRuntime } from '../src/node/runtime/node-runtime.js';
import { repoRoot } from './helpers/run-cli.js';

// agentbox's own MCP server proxying server-everything (stdio): the proxied server's form
// goes on to the MCP client that made the call, when that client takes elicitation; the
// client's answer is checked against the form and recorded like a person's.
const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const tool = 'everything_trigger-elicitation-request';

let runtime: NodeRuntime;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentbox-elicit-forward-'));
  runtime = await NodeRuntime.init({
    llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'test-model' },
    store: { kind: 'sqlite', path: join(dir, 'sessions.db') },
    tools: { mcp: { servers: { everything: { command: process.execPath, args: [everything, 'stdio'] } } } },
  } as Parameters<typeof NodeRuntime.init>[0]);
});
afterAll(() => runtime.close());

async function connect(answer?: (form: unknown) => ElicitResult): Promise<Client> {
  const server = createMcpServer({ runtime, principal: runtime.config.auth.defaultPrincipal, mayInvoke: () => true });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'desk', version: '1.0.0' }, answer ? { capabilities: { elicitation: { form: {} } } } : {});
  if (answer) client.setRequestHandler(ElicitRequestSchema, (request) => answer(request.params));
  await client.connect(clientSide);
  return client;
}

const text = (result: unknown): string => JSON.stringify((result as { content?: unknown }).content);

describe('a proxied MCP server’s form, asked of the client of agentbox’s MCP server', () => {
  it('reaches a client that takes elicitation, and its answer reaches the server and the log', async () => {
    const forms: unknown[] = [];
    const client = await connect((form) => {
      forms.push(form);
      return { action: 'accept', content: { name: 'Ann Lee', check: true, integer: 7 } };
    });
    try {
      const result = await client.callTool({ name: tool, arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(text(result)).toContain('Ann Lee');
      expect(forms).toHaveLength(1);
      expect(forms[0]).toMatchObject({ message: 'Please provide inputs for the following fields:', requestedSchema: { required: ['name'] } });
      const sessionId = String((result._meta as Record<string, unknown>)[MCP_SESSION_META_KEY]);
      const events = await runtime.events(sessionId);
      expect(events.map((e) => e.type).filter((t) => t.startsWith('elicitation.'))).toEqual(['elicitation.requested', 'elicitation.answered']);
      expect(events.find((e) => e.type === 'elicitation.answered')).toMatchObject({ action: 'accept', content: { name: 'Ann Lee' }, by: 'mcp client desk' });
    } finally {
      await client.close();
    }
  });

  it('checks the client’s answer against the form: a wrong one fails the call and nothing is sent on', async () => {
    const client = await connect(() => ({ action: 'accept', content: { integer: 500 } }));
    try {
      const result = await client.callTool({ name: tool, arguments: {} });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain('content.name: is required');
      expect(text(result)).not.toContain('User inputs');
      const sessionId = String((result._meta as Record<string, unknown>)[MCP_SESSION_META_KEY]);
      const answered = (await runtime.events(sessionId)).find((e) => e.type === 'elicitation.answered');
      expect(answered).toMatchObject({ action: 'cancel', by: 'system' });
    } finally {
      await client.close();
    }
  });

  it('is refused for a client that takes no elicitation, with the reason in the result', async () => {
    const client = await connect();
    try {
      const result = await client.callTool({ name: tool, arguments: {} });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain('no front end that can ask a person is attached');
    } finally {
      await client.close();
    }
  });
});
