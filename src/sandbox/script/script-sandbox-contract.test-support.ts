/**
 * The behaviour and abuse suite every ScriptSandbox backend must pass. Each abuse case
 * asserts the error a user sees, then that the host (no prototype pollution) and the
 * sandbox (a normal call still works) are healthy.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentboxError } from '../../errors/index.js';
import { createAllowListedFetch } from './allow-listed-fetch.js';
import { MAX_HOST_CALLS_PER_RUN, type HostCapabilities, type ScriptRunOptions, type ScriptSandbox } from './script-sandbox.js';

/** A real HTTP server on 127.0.0.1 that records `METHOD /path` of each request. */
export interface ContractHttpServer {
  origin: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

export interface ContractDependencies {
  startHttpServer: () => Promise<ContractHttpServer>;
}

const LIMITS = { timeoutMs: 3_000, memoryMb: 32, maxOutputBytes: 1_048_576 };

export function describeScriptSandboxContract(name: string, makeSandbox: () => ScriptSandbox | Promise<ScriptSandbox>, deps: ContractDependencies): void {
  describe(`ScriptSandbox contract: ${name}`, () => {
    let sandbox: ScriptSandbox;
    let server: ContractHttpServer;
    const run = (source: string, args: unknown = {}, extra: Partial<ScriptRunOptions> = {}): Promise<unknown> =>
      sandbox.run({ ...LIMITS, source, args, ...extra });
    const body = (code: string): string => `export default (args, host) => { ${code} }`;

    beforeAll(async () => {
      sandbox = await makeSandbox();
      server = await deps.startHttpServer();
    });
    afterAll(async () => {
      await sandbox.close();
      await server.close();
    });

    describe('the script contract', () => {
      it('calls the default export with the arguments and returns its JSON result', async () => {
        await expect(run('export default (args) => ({ sum: args.a + args.b })', { a: 2, b: 3 })).resolves.toEqual({ sum: 5 });
        await expect(run('export default async () => { await null; return [1, "two", null]; }')).resolves.toEqual([1, 'two', null]);
        await expect(run('export default () => undefined')).resolves.toBeNull();
      });

      it('gives the script a deep-frozen copy of its arguments, never the host object', async () => {
        const args = { nested: { list: [1, 2] } };
        const source = body(`
          const attempts = [];
          for (const write of [() => { args.x = 1; }, () => { args.nested.y = 2; }, () => { args.nested.list.push(3); }]) {
            try { write(); attempts.push('wrote'); } catch (e) { attempts.push(e instanceof TypeError ? 'refused' : 'other'); }
          }
          return { attempts, frozen: Object.isFrozen(args.nested.list) };`);
        await expect(run(source, args)).resolves.toEqual({ attempts: ['refused', 'refused', 'refused'], frozen: true });
        expect(args).toEqual({ nested: { list: [1, 2] } });
      });

      it('exposes no require, process, fetch, console or WebAssembly, and an empty host when nothing is granted', async () => {
        const source = body(`return {
          globals: ['require', 'process', 'fetch', 'console', 'WebAssembly', 'setTimeout', 'module', 'Deno', 'Bun']
            .filter((name) => typeof globalThis[name] !== 'undefined'),
          hostKeys: Object.keys(host),
          hostProto: Object.getPrototypeOf(host) === null,
        };`);
        await expect(run(source)).resolves.toEqual({ globals: [], hostKeys: [], hostProto: true });
      });

      it('reports a throw, a syntax error, a missing default export and an import as TOOL_FAILED', async () => {
        await expectError(run(body('throw new Error("boom")')), 'TOOL_FAILED', /script threw: Error: boom/);
        await expectError(run('export default (', {}), 'TOOL_FAILED', /failed to load: SyntaxError/);
        await expectError(run('export const x = 1'), 'TOOL_FAILED', /must export a default function/);
        await expectError(run('import lib from "./lib.js"; export default () => lib'), 'TOOL_FAILED', /imports are not allowed/);
        await expectError(run(body('throw "plain text"')), 'TOOL_FAILED', /plain text/);
      });

      it('refuses a result that is not JSON-serializable', async () => {
        await expectError(run('export default () => 10n'), 'TOOL_FAILED', /not JSON-serializable/);
        await expectError(run(body('const a = {}; a.self = a; return a;')), 'TOOL_FAILED', /not JSON-serializable/);
        await expectError(run('export default () => () => 1'), 'TOOL_FAILED', /not JSON/);
      });

      it('awaits a top-level await and a thenable result, as `await` would', async () => {
        await expect(run('const base = await Promise.resolve(40); export default () => base + 2')).resolves.toBe(42);
        await expect(run('export default () => ({ then(resolve) { resolve({ via: "then" }); } })')).resolves.toEqual({ via: 'then' });
        await expectError(run('export default () => ({ then(resolve, reject) { reject(new RangeError("no")); } })'), 'TOOL_FAILED', /RangeError: no/);
        await expectError(run('await Promise.reject(new Error("at load")); export default () => 1'), 'TOOL_FAILED', /at load/);
      });

      it('keeps its own JSON, Object.freeze and Promise when the script replaces them', async () => {
        const host: HostCapabilities = { echo: async ({ args }) => ({ got: args }) };
        const source = `
          globalThis.JSON = { parse: () => 'forged', stringify: () => '"forged"' };
          Object.freeze = (value) => value;
          Promise.resolve = () => 'forged';
          export default async (args, host) => ({ frozen: Object.isFrozen(args.list), echoed: await host.echo(args.list), n: args.n });`;
        await expect(run(source, { list: [1], n: 2 }, { host })).resolves.toEqual({ frozen: true, echoed: { got: [[1]] }, n: 2 });
      });

      it('reports what a toJSON threw, and refuses host-call arguments that are not JSON in the guest', async () => {
        await expectError(
          run('export default () => ({ toJSON() { throw new Error("no json here"); } })'),
          'TOOL_FAILED',
          /not JSON-serializable: no json here/,
        );
        const host: HostCapabilities = { echo: async () => 'never called' };
        const source = 'export default (args, host) => { try { host.echo(1n); return "called"; } catch (e) { return e.name; } }';
        await expect(run(source, {}, { host })).resolves.toBe('TypeError');
      });

      it('refuses invalid run options before touching the sandbox', async () => {
        await expectError(run('export default () => 1', {}, { timeoutMs: 0 }), 'INVALID_INPUT', /timeoutMs/);
        await expectError(run('export default () => 1', { big: 1n }), 'INVALID_INPUT', /JSON-serializable/);
        const badHost = { 'not-a-name': async () => null } as HostCapabilities;
        await expectError(run('export default () => 1', {}, { host: badHost }), 'INVALID_INPUT', /not an identifier/);
      });

      it('does not accumulate memory over many runs', async () => {
        // Each run allocates ~1 MiB; leaked per-run state would pass a 16 MiB ceiling within 20 runs.
        const source = 'export default (args) => new Array(args.n).fill(args.n).length';
        for (let i = 0; i < 300; i += 1) {
          await expect(run(source, { n: 100_000 }, { memoryMb: 16 })).resolves.toBe(100_000);
        }
      });

      it('runs concurrent calls independently', async () => {
        const host: HostCapabilities = { delay: async ({ args }) => new Promise((r) => setTimeout(() => r(args[0] ?? null), 20)) };
        const source = 'export default async (args, host) => ({ id: args.id, echoed: await host.delay(args.id * 10) })';
        const results = await Promise.all([1, 2, 3, 4].map((id) => run(source, { id }, { host })));
        expect(results).toEqual([1, 2, 3, 4].map((id) => ({ id, echoed: id * 10 })));
      });

      it('ends a run when its signal aborts, with the reason the caller gave', async () => {
        const controller = new AbortController();
        const host: HostCapabilities = { wait: ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(null))) };
        setTimeout(() => controller.abort(new AgentboxError('TOOL_TIMEOUT', 'executor deadline')), 100);
        await expectError(run('export default (args, host) => host.wait()', {}, { host, signal: controller.signal }), 'TOOL_TIMEOUT', /executor deadline/);
        await expectHealthy();
      });
    });

    describe('abuse', () => {
      afterEach(async () => {
        await expectHealthy();
      });

      it('stops an infinite loop at the deadline with TOOL_TIMEOUT', async () => {
        const started = Date.now();
        await expectError(run(body('while (true) {}'), {}, { timeoutMs: 300 }), 'TOOL_TIMEOUT', /did not finish within 300 ms/);
        expect(Date.now() - started).toBeLessThan(300 + 2_500);
      });

      it('stops an infinite loop at module top level, or after an await, too', async () => {
        await expectError(run('for (;;) {} export default () => 1', {}, { timeoutMs: 300 }), 'TOOL_TIMEOUT', /300 ms/);
        await expectError(run('export default async () => { await null; for (;;) {} }', {}, { timeoutMs: 300 }), 'TOOL_TIMEOUT', /300 ms/);
        const host: HostCapabilities = { ping: async () => 'pong' };
        const afterHost = 'export default async (args, host) => { await host.ping(); for (;;) {} }';
        await expectError(run(afterHost, {}, { timeoutMs: 300, host }), 'TOOL_TIMEOUT', /300 ms/);
      });

      it('stops a growing array with SANDBOX_MEMORY_LIMIT', async () => {
        await expectError(run(body('const a = []; while (true) a.push({ n: a.length });')), 'SANDBOX_MEMORY_LIMIT', /32 MiB/);
      });

      it('stops string doubling, Map growth and a huge ArrayBuffer with SANDBOX_MEMORY_LIMIT', async () => {
        const bombs = [
          'let s = "ab"; const keep = []; while (true) { s = s + s; keep.push(s.slice(1)); }',
          'const m = new Map(); let i = 0; while (true) m.set(i++, { i });',
          'return new Uint8Array(new ArrayBuffer(2 ** 30)).length;',
        ];
        for (const bomb of bombs) {
          const error = await runError(run(body(bomb)));
          expect(error.code, `${bomb}: ${error.message}`).toBe('SANDBOX_MEMORY_LIMIT');
          await expectHealthy();
        }
      });

      it('stops a script that catches out-of-memory and keeps allocating', async () => {
        const bomb = 'for (;;) { try { const a = []; for (;;) a.push([1, 2, 3]); } catch (e) { /* try again */ } }';
        const error = await runError(run(body(bomb), {}, { timeoutMs: 1_500 }));
        expect(['SANDBOX_MEMORY_LIMIT', 'TOOL_TIMEOUT']).toContain(error.code);
      });

      it('reports deep recursion as a stack overflow', async () => {
        const error = await expectError(run(body('const f = (n) => f(n + 1) + 1; return f(0);')), 'TOOL_FAILED', /call stack/);
        expect(error.details).toMatchObject({ reason: 'stack-overflow' });
      });

      it('keeps prototype pollution in arguments and results away from the host and other calls', async () => {
        const payload = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as unknown;
        const source = body(`
          const seen = { polluted: ({}).polluted ?? null, argsProto: Object.getPrototypeOf(args) === Object.prototype,
            ownProto: Object.keys(args) };
          Object.prototype.polluted = 'by the guest';
          try { args.constructor.prototype.polluted2 = 'via args'; } catch (e) { /* frozen or not, it stays in here */ }
          return JSON.parse('{"__proto__": {"polluted": "from the result"}, "seen": ' + JSON.stringify(seen) + '}');`);
        const result = (await run(source, payload)) as Record<string, unknown>;
        expect(result.seen).toEqual({ polluted: null, argsProto: true, ownProto: ['__proto__', 'constructor'] });
        expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
        expect(Object.hasOwn(result, '__proto__')).toBe(true);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).polluted2).toBeUndefined();
        await expect(run(body('return [({}).polluted ?? null, ({}).polluted2 ?? null];'))).resolves.toEqual([null, null]);
      });

      it('refuses huge results with SANDBOX_OUTPUT_LIMIT, counting UTF-8 bytes', async () => {
        await expectError(run(body('return "x".repeat(2 * 1024 * 1024);')), 'SANDBOX_OUTPUT_LIMIT', /more than the limit of 1048576 bytes/);
        // 600,000 characters but 1,200,000 bytes of UTF-8.
        await expectError(run(body('return "é".repeat(600000);')), 'SANDBOX_OUTPUT_LIMIT', /1200002 bytes/);
        await expect(run(body('return "é".repeat(1000);'), {}, { maxOutputBytes: 2002 })).resolves.toHaveLength(1000);
      });

      it('fails or times out a script that awaits something that never settles', async () => {
        const error = await runError(run('export default () => new Promise(() => {})', {}, { timeoutMs: 300 }));
        expect(['TOOL_FAILED', 'TOOL_TIMEOUT']).toContain(error.code);
      });
    });

    describe('host capabilities', () => {
      it('passes JSON copies both ways and only what was granted', async () => {
        const received: unknown[] = [];
        const host: HostCapabilities = {
          echo: async ({ args }) => {
            received.push(args);
            return { got: args };
          },
        };
        const source = `export default async (args, host) => ({
          result: await host.echo(1, 'two', { three: 3 }),
          keys: Object.keys(host),
          frozen: Object.isFrozen(host),
          escaped: host.echo.constructor('return typeof process')(),
        })`;
        await expect(run(source, {}, { host })).resolves.toEqual({
          result: { got: [1, 'two', { three: 3 }] },
          keys: ['echo'],
          frozen: true,
          escaped: 'undefined',
        });
        expect(received).toEqual([[1, 'two', { three: 3 }]]);
      });

      it('turns a failing host call into a HostError the script can catch, with no host stack', async () => {
        const host: HostCapabilities = {
          fail: async () => {
            throw new Error('nope');
          },
          weird: async () => (() => 1) as never,
        };
        const source = `export default async (args, host) => {
          const out = [];
          for (const call of [() => host.fail(), () => host.weird()]) {
            try { await call(); out.push('ok'); } catch (e) { out.push(e.name + ': ' + e.message, String(e.stack).includes('host-call-broker')); }
          }
          return out;
        }`;
        const result = (await run(source, {}, { host })) as unknown[];
        expect(result[0]).toBe('HostError: nope');
        expect(result[1]).toBe(false);
        expect(String(result[2])).toMatch(/HostError: .*non-JSON/);
      });

      it(`allows at most ${MAX_HOST_CALLS_PER_RUN} host calls per run`, async () => {
        const host: HostCapabilities = { ping: async () => 'pong' };
        const source = `export default async (args, host) => {
          let failed = 0;
          for (let i = 0; i < ${MAX_HOST_CALLS_PER_RUN + 5}; i++) { try { await host.ping(); } catch (e) { failed++; } }
          return failed;
        }`;
        await expect(run(source, {}, { host })).resolves.toBe(5);
      });

      it('lets a granted fetch reach allow-listed hosts only, checking every redirect', async () => {
        const fetchCap = createAllowListedFetch({ hosts: [`127.0.0.1:${server.port}`], maxResponseBytes: 1_048_576 });
        const other = `http://localhost:${server.port}`;
        const source = `export default async (args, host) => {
          const ok = await host.fetch(args.origin + '/json');
          const posted = await host.fetch(args.origin + '/echo', { method: 'POST', body: 'hi', headers: { 'x-test': 'yes' } });
          const refused = [];
          for (const url of [args.other + '/secret', 'http://127.0.0.1:${server.port}@localhost:${server.port}/secret2',
            args.origin + '/redirect?to=' + encodeURIComponent(args.other + '/secret3'), args.origin + '/big', 'file:///etc/passwd']) {
            try { await host.fetch(url); refused.push('reached ' + url); } catch (e) { refused.push(e.name + ': ' + e.message); }
          }
          try { await host.fetch(args.origin + '/secret4', { headers: { host: 'evil' } }); refused.push('reached with a host header'); }
          catch (e) { refused.push(e.name + ': ' + e.message); }
          return { status: ok.status, items: JSON.parse(ok.body).items, posted: JSON.parse(posted.body), refused,
            globalFetch: typeof globalThis.fetch };
        }`;
        const result = (await run(source, { origin: server.origin, other }, { host: { fetch: fetchCap } })) as Record<string, unknown>;
        expect(result).toMatchObject({ status: 200, items: [1, 2, 3], posted: { method: 'POST', body: 'hi', header: 'yes' }, globalFetch: 'undefined' });
        const refused = result.refused as string[];
        expect(refused[0]).toMatch(/HostError: host denied: localhost:\d+ is not among the granted hosts/);
        expect(refused[1]).toMatch(/HostError: credentials in the URL are not accepted/);
        expect(refused[2]).toMatch(/HostError: host denied: localhost:\d+ is not among the granted hosts/);
        expect(refused[3]).toMatch(/HostError: fetch: the response body from .* declares 2097152 bytes; at most 1048576 are read/);
        expect(refused[4]).toMatch(/HostError: host denied: only http and https/);
        expect(refused[5]).toMatch(/HostError: header "host" is set by fetch itself/);
        expect(server.requests.filter((r) => r.includes('secret'))).toEqual([]);
        expect(server.requests).toContain('GET /redirect');
      });
    });

    it('refuses runs after close, and the host is unharmed', async () => {
      const own = await makeSandbox();
      await expect(own.run({ ...LIMITS, source: 'export default () => 1', args: {} })).resolves.toBe(1);
      await own.close();
      await expectError(own.run({ ...LIMITS, source: 'export default () => 1', args: {} }), 'TOOL_FAILED', /closed/);
    });

    async function expectHealthy(): Promise<void> {
      await expect(run('export default (args) => args.n * 2', { n: 21 })).resolves.toBe(42);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
}

async function runError(promise: Promise<unknown>): Promise<AgentboxError> {
  try {
    await promise;
  } catch (error) {
    if (AgentboxError.isInstance(error)) return error;
    throw new Error(`expected an AgentboxError, got ${String(error)}`);
  }
  throw new Error('expected the run to fail, but it succeeded');
}

async function expectError(promise: Promise<unknown>, code: string, message: RegExp): Promise<AgentboxError> {
  const error = await runError(promise);
  expect(error.code, error.message).toBe(code);
  expect(error.message).toMatch(message);
  return error;
}
