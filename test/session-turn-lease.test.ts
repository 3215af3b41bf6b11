/**
 * Two processes on one session (issue #8): a second `agentbox run --session ID` while the
 * first is mid-turn refuses with SESSION_BUSY (exit 7) and leaves the live turn alone; once
 * the first process is gone (kill -9), the next run closes that turn as interrupted and
 * goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHangingLlm, type HangingLlm } from './helpers/hanging-llm.js';
import { runCli, startCli } from './helpers/run-cli.js';

let h: HangingLlm;
beforeAll(async () => {
  h = await startHangingLlm();
});
afterAll(() => h.close());

interface SessionJson {
  id: string;
  messages: Array<{ role: string; content: string }>;
}

describe('agentbox run --session in two processes', () => {
  it('refuses the second while the first is mid-turn, and takes over once the first is killed', async () => {
    const env = h.env();
    const created = await runCli(['run', 'first question', '--json'], { env });
    expect(created.code, created.stderr).toBe(0);
    const sessionId = (JSON.parse(created.stdout) as SessionJson).id;

    const arrived = h.hangOn('second question');
    const holder = startCli(['run', '--session', sessionId, 'second question', '--json'], { env });
    const closed = new Promise<NodeJS.Signals | null>((resolve) => holder.on('close', (_code, signal) => resolve(signal)));
    await arrived;

    const busy = await runCli(['run', '--session', sessionId, 'third question', '--json'], { env });
    expect(busy.code, busy.stderr).toBe(7);
    expect(busy.stderr).toContain('SESSION_BUSY');
    // The live turn was not touched: the log still ends in the running second turn.
    const during = await runCli(['session', 'export', sessionId, '--format', 'jsonl'], { env });
    expect(during.code, during.stderr).toBe(0);
    expect(during.stdout).not.toContain('INTERRUPTED');
    expect(h.received).not.toContain('third question');

    holder.kill('SIGKILL');
    expect(await closed).toBe('SIGKILL');
    const after = await runCli(['run', '--session', sessionId, 'fourth question', '--json'], { env });
    expect(after.code, after.stderr).toBe(0);
    const session = JSON.parse(after.stdout) as SessionJson;
    expect(session.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'answer(fourth question)' });
    const events = await runCli(['session', 'export', sessionId, '--format', 'jsonl'], { env });
    expect(events.stdout).toContain('INTERRUPTED');
  });
});
