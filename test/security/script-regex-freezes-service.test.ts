/**
 * Attacker: whoever steers the model (a prompt, a page it read) into calling a script tool
 * with input that makes the script's regex backtrack catastrophically: `/(a+)+$/` on forty
 * `a`s and a `b`. QuickJS ran on the service's event loop, and QuickJS checks its deadline
 * only every so often inside a regex, so 8 parallel calls (deadline 1 s each) held the loop
 * for seconds: `GET /healthz` of another client waited 3–6 s and the turn's LLM connection
 * went stale.
 *
 * Fixed in src/node/script/quickjs-worker-pool.ts: in Node, QuickJS runs in a pool of
 * worker threads (bounded per process and per session, excess calls queue); a worker whose
 * guest overruns its deadline is terminated and replaced. The service here is a real
 * `agentbox serve` child process (the compiled dist/), the model the scripted loopback
 * server; the test process only measures.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../src/node/testing/index.js';
import { isolatedEnv, startCli } from '../helpers/run-cli.js';

const CALLS = 8;
const DEADLINE_MS = 1_000;
/**
 * Before the fix the loop was held at least a deadline (1 s) at a time; after it, /healthz
 * answers in milliseconds. Half a deadline leaves room for a loaded, shared machine.
 */
const HEALTHZ_BUDGET_MS = 500;

let llm: ScriptedLlmServer;
let dir: string;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  dir = mkdtempSync(join(tmpdir(), 'agentbox-regex-'));
  writeFileSync(
    join(dir, 'match.json'),
    JSON.stringify({
      name: 'match',
      description: 'Tests a pattern against a text',
      parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      source: 'export default ({ text }) => /(a+)+$/.test(text)',
      capabilities: { timeoutMs: DEADLINE_MS, memoryMb: 32 },
    }),
  );
  writeFileSync(join(dir, 'agentbox.config.json'), JSON.stringify({ store: { kind: 'memory' }, tools: { scripts: [{ manifest: 'match.json' }] } }));
});
afterAll(() => llm.close());

describe('a catastrophic regex in script tools', () => {
  it('does not freeze the service: another client gets /healthz promptly while 8 calls run', async () => {
    const env = isolatedEnv({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-x', AGENTBOX_MODEL: 'm' });
    const child = startCli(['serve', '--port', '0', '--config', join(dir, 'agentbox.config.json')], { env });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        const match = /listening on (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    try {
      const evil = `${'a'.repeat(40)}b`;
      llm.enqueue(
        { type: 'tool-calls', calls: Array.from({ length: CALLS }, (_, i) => ({ id: `c${i}`, name: 'match', arguments: { text: evil } })) },
        { type: 'text', text: 'the pattern timed out' },
      );
      const post = { method: 'POST', headers: { 'content-type': 'application/json' } };
      const { id } = (await (await fetch(`${url}/v1/sessions`, { ...post, body: '{}' })).json()) as { id: string };
      let turnDone = false;
      const turn = fetch(`${url}/v1/sessions/${id}/messages`, { ...post, body: JSON.stringify({ input: 'match it' }) }).then(async (r) => {
        turnDone = true;
        return { status: r.status, body: await r.text() };
      });

      // Another client, probing while the tool calls run.
      const latencies: number[] = [];
      while (!turnDone) {
        const started = performance.now();
        const health = await fetch(`${url}/healthz`);
        await health.arrayBuffer();
        latencies.push(performance.now() - started);
        expect(health.status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      expect(Math.max(...latencies), `healthz latencies: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`).toBeLessThan(HEALTHZ_BUDGET_MS);
      expect(latencies.length).toBeGreaterThan(5);
      const answer = await turn;
      expect(answer.status, answer.body).toBe(200);
      const events = (await (await fetch(`${url}/v1/sessions/${id}/events`, { headers: { accept: 'application/json' } })).json()) as {
        data: Array<{ type: string; error?: { code: string; message: string } }>;
      };
      const completed = events.data.filter((e) => e.type === 'tool.completed');
      expect(completed).toHaveLength(CALLS);
      // Each call was stopped by the sandbox's own deadline, not left to run on.
      for (const call of completed)
        expect(call.error).toMatchObject({ code: 'TOOL_TIMEOUT', message: expect.stringMatching(/script did not finish within 1000 ms/) });
      // The turn went on to the model's final answer over a live connection.
      expect(llm.requests).toHaveLength(2);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 60_000);
});
