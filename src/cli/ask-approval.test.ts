import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalApprover } from './ask-approval.js';

const request = { callId: 'c1', name: 'fs_write', arguments: '{"path":"notes.txt"}' };

function terminal(answer: string) {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => {
    shown += d.toString();
    if (shown.includes('[y/N]')) input.write(`${answer}\n`);
  });
  return { input, output, shown: () => shown };
}

describe('terminalApprover', () => {
  it('asks on a terminal after making way for the prompt, and approves on y', async () => {
    const t = terminal('y');
    let madeWay = 0;
    const decisions = await terminalApprover({ input: t.input, output: t.output, beforeAsk: () => (madeWay += 1) })([request]);
    expect(madeWay).toBe(1);
    expect(t.shown()).toContain('Allow fs_write({"path":"notes.txt"})? [y/N]');
    expect(decisions.get('c1')).toEqual({ approved: true, by: 'cli user' });
  });

  it('denies on anything but yes, with a reason', async () => {
    const t = terminal('nope');
    const decisions = await terminalApprover({ input: t.input, output: t.output })([request]);
    expect(decisions.get('c1')).toEqual({ approved: false, by: 'cli user', reason: 'declined at the prompt' });
  });

  it('denies without a terminal unless --yes, and never blocks waiting for input', async () => {
    const piped = Object.assign(new PassThrough(), { isTTY: false });
    expect((await terminalApprover({ input: piped })([request])).get('c1')).toMatchObject({ approved: false, reason: expect.stringContaining('--yes') });
    expect((await terminalApprover({ input: piped, yes: true })([request])).get('c1')).toMatchObject({ approved: true });
  });
});
