import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentboxError } from '../../errors/index.js';
import type { ScriptRunOptions } from '../../sandbox/script/script-sandbox.js';
import { createIsolateSandbox } from './isolate-sandbox.js';
import { CATASTROPHIC_MARKER } from './isolate-protocol.js';

/**
 * A stand-in child speaking the real protocol, for the failures a real isolate cannot be
 * made to produce on demand: a child that never answers, one that dies, one that reports
 * a fatal V8 error. The supervisor under test is the real one, with real processes.
 */
const FAKE_CHILD = `
process.on('message', (m) => {
  if (m.type !== 'run') return;
  if (m.source.includes('HANG')) return;
  if (m.source.includes('CRASH')) process.exit(3);
  if (m.source.includes('FATAL')) {
    process.stderr.write('\\n${CATASTROPHIC_MARKER} Catastrophic out-of-memory error\\n', () => process.kill(process.pid, 'SIGKILL'));
    return;
  }
  setTimeout(() => process.send({ type: 'done', id: m.id, tagged: 'J' + JSON.stringify(process.pid) }), 20);
});
if (!process.argv.includes('--never-ready')) process.send({ type: 'ready' });
`;

const dir = mkdtempSync(join(tmpdir(), 'agentbox-isolate-process-'));
const fakeChild = join(dir, 'fake-child.mjs');
writeFileSync(fakeChild, FAKE_CHILD);
const silentChild = join(dir, 'silent-child.mjs');
writeFileSync(silentChild, 'setInterval(() => {}, 1000);');
const dyingChild = join(dir, 'dying-child.mjs');
writeFileSync(dyingChild, 'console.error("cannot load isolated-vm"); process.exit(1);');

const run = (source: string): ScriptRunOptions => ({ source, args: {}, timeoutMs: 200, memoryMb: 32, maxOutputBytes: 1_000 });

async function failure(promise: Promise<unknown>): Promise<AgentboxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AgentboxError.isInstance(error)) throw new Error(`expected an AgentboxError, got ${String(error)}`);
  return error;
}

describe('the isolate sandbox supervisor', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('kills a child that does not answer by the deadline plus grace, and replaces it', async () => {
    const sandbox = createIsolateSandbox({ childEntry: fakeChild, graceMs: 300, maxProcesses: 1 });
    const first = await sandbox.run(run('ok'));
    const started = Date.now();
    const error = await failure(sandbox.run(run('HANG')));
    expect(error.code).toBe('TOOL_TIMEOUT');
    expect(error.message).toMatch(/did not stop and was killed/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(3_000);
    const replaced = await sandbox.run(run('ok'));
    expect(typeof replaced).toBe('number');
    expect(replaced).not.toBe(first);
    await sandbox.close();
  });

  it('fails only the run whose child crashed, and the next run gets a new child', async () => {
    const sandbox = createIsolateSandbox({ childEntry: fakeChild, maxProcesses: 2 });
    const [crashed, fine] = await Promise.allSettled([sandbox.run(run('CRASH')), sandbox.run(run('ok'))]);
    expect(crashed.status === 'rejected' && (crashed.reason as AgentboxError).code).toBe('TOOL_FAILED');
    expect(crashed.status === 'rejected' && (crashed.reason as AgentboxError).message).toMatch(/crashed \(exit code 3\)/);
    expect(fine.status).toBe('fulfilled');
    await expect(sandbox.run(run('ok'))).resolves.toEqual(expect.any(Number));
    await sandbox.close();
  });

  it('reports a fatal V8 out-of-memory in the child as SANDBOX_MEMORY_LIMIT', async () => {
    const sandbox = createIsolateSandbox({ childEntry: fakeChild });
    const error = await failure(sandbox.run(run('FATAL')));
    expect(error.code).toBe('SANDBOX_MEMORY_LIMIT');
    expect(error.message).toBe('script exceeded its memory limit of 32 MiB');
    await sandbox.close();
  });

  it('queues runs beyond maxProcesses instead of starting more children', async () => {
    const sandbox = createIsolateSandbox({ childEntry: fakeChild, maxProcesses: 1 });
    const pids = await Promise.all([1, 2, 3].map(() => sandbox.run(run('ok'))));
    expect(new Set(pids).size).toBe(1);
    await sandbox.close();
  });

  it('says clearly when a child cannot start or never becomes ready', async () => {
    const dying = createIsolateSandbox({ childEntry: dyingChild });
    const error = await failure(dying.run(run('ok')));
    expect(error.code).toBe('TOOL_FAILED');
    expect(error.message).toMatch(/could not start the V8 isolate process: it exited early: cannot load isolated-vm/);
    await dying.close();
    const silent = createIsolateSandbox({ childEntry: silentChild, startupTimeoutMs: 300 });
    await expect(silent.run(run('ok'))).rejects.toThrow(/could not start the V8 isolate process: no answer within 300 ms/);
    await silent.close();
  });

  it('refuses a missing child program at creation', () => {
    expect(() => createIsolateSandbox({ childEntry: join(dir, 'missing.js') })).toThrow(/child program is missing/);
  });
});
