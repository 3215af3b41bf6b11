import { describe, expect, it } from 'vitest';
import { untilAborted } from './until-aborted.js';

describe('untilAborted', () => {
  it('gives the promise its value, or its rejection, while the signal stays quiet', async () => {
    const signal = new AbortController().signal;
    await expect(untilAborted(Promise.resolve(1), signal, () => 0)).resolves.toBe(1);
    await expect(untilAborted(Promise.reject(new Error('no')), signal, () => 0)).rejects.toThrow('no');
  });

  it('gives the fallback when the signal aborts first, or was aborted already', async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => {});
    const pending = untilAborted(never, controller.signal, () => -1);
    controller.abort();
    await expect(pending).resolves.toBe(-1);
    await expect(untilAborted(never, controller.signal, () => -2)).resolves.toBe(-2);
  });
});
