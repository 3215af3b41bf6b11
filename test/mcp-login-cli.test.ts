import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approve, startOAuthMcpServer, type OAuthMcpServer } from './helpers/oauth-mcp-server.js';
import { cliPath, isolatedEnv, startCli } from './helpers/run-cli.js';

// `agentbox mcp login` end to end, as a person runs it: the CLI prints the URL, the "browser"
// (fetch) approves, the grant lands in a 0600 file; then calls through `mcp serve` (recorded
// in sessions.db, logged at trace level) carry the token, and no token text is in either.
let server: OAuthMcpServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startOAuthMcpServer();
  dir = mkdtempSync(join(tmpdir(), 'agentbox-login-cli-'));
  writeFileSync(
    join(dir, 'agentbox.config.json'),
    JSON.stringify({ log: { level: 'trace' }, tools: { mcp: { servers: { vault: { url: server.url, auth: { type: 'oauth' } } } } } }),
  );
  env = isolatedEnv();
});
afterAll(() => server?.close());

describe('agentbox mcp login (CLI, end to end)', () => {
  it('stores the grant 0600 and keeps every token out of sessions.db and the logs', async () => {
    const login = startCli(['mcp', 'login', 'vault', '--timeout', '20'], { env, cwd: dir });
    let stdout = '';
    let stderr = '';
    login.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const url = await new Promise<string>((resolve, reject) => {
      login.stdout?.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        const line = stdout.split('\n').find((l) => l.startsWith('http'));
        if (line) resolve(line.trim());
      });
      login.once('exit', (code) => reject(new Error(`login exited with ${code}: ${stderr}`)));
    });
    expect((await approve(url)).status).toBe(200);
    const code = await new Promise<number | null>((resolve) => login.once('close', resolve));
    expect(code, stderr).toBe(0);

    const tokenFile = join(env.AGENTBOX_HOME!, 'mcp-tokens.json');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(server.issued.length).toBeGreaterThan(0);
    expect(readFileSync(tokenFile, 'utf8')).toContain(server.issued[0]!);

    // Calls with the grant, through mcp serve: recorded in sessions.db, logged on stderr.
    const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, 'mcp', 'serve'], cwd: dir, env, stderr: 'pipe' });
    let logs = '';
    transport.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(transport);
    const result = (await client.callTool({ name: 'vault_echo', arguments: { message: 'through the grant' } })) as CallToolResult;
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain('through the grant');
    expect(server.counts.toolCalls).toBeGreaterThan(0);
    await client.close();

    const db = join(env.AGENTBOX_HOME!, 'sessions.db');
    const stored = [db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1'));
    expect(stored.join('')).toContain('through the grant');
    expect(logs.length).toBeGreaterThan(0);
    for (const token of server.issued) {
      expect(stored.join(''), 'a token in sessions.db').not.toContain(token);
      expect(logs + stderr + stdout, 'a token in the logs').not.toContain(token);
    }
  });
});
