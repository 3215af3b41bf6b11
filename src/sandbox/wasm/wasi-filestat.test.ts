import { wasi } from '@bjorn3/browser_wasi_shim';
import { describe, expect, it } from 'vitest';
import { WasiFilestat, requestedTimes } from './wasi-filestat.js';

function written(stat: wasi.Filestat): DataView {
  const view = new DataView(new ArrayBuffer(64));
  stat.write_bytes(view, 0);
  return view;
}

describe('WasiFilestat', () => {
  const fill = (stat: wasi.Filestat): wasi.Filestat => {
    stat.size = 0x0102_0304_0506n;
    stat.atim = 1_700_000_000_123_456_789n;
    stat.mtim = 1_700_000_001_123_456_789n;
    stat.ctim = 1_700_000_002_123_456_789n;
    return stat;
  };

  it('writes size and times at the preview1 offsets', () => {
    const view = written(fill(new WasiFilestat(7n, wasi.FILETYPE_REGULAR_FILE, 0n)));
    expect(view.getBigUint64(8, true)).toBe(7n);
    expect(view.getUint8(16)).toBe(wasi.FILETYPE_REGULAR_FILE);
    expect(view.getBigUint64(32, true)).toBe(0x0102_0304_0506n);
    expect(view.getBigUint64(40, true)).toBe(1_700_000_000_123_456_789n);
    expect(view.getBigUint64(48, true)).toBe(1_700_000_001_123_456_789n);
    expect(view.getBigUint64(56, true)).toBe(1_700_000_002_123_456_789n);
  });

  it('is needed: the shim class scrambles the same values', () => {
    // If a shim update fixes its layout, this fails and WasiFilestat can go.
    const view = written(fill(new wasi.Filestat(7n, wasi.FILETYPE_REGULAR_FILE, 0n)));
    expect(view.getBigUint64(48, true)).not.toBe(1_700_000_001_123_456_789n);
  });
});

describe('requestedTimes', () => {
  it('keeps what is left out, converts ns to ms, and refuses a time and NOW together', () => {
    expect(requestedTimes(5n, 2_000_000_000_007n, wasi.FSTFLAGS_MTIM)).toEqual({ modifiedMs: 2_000_000.000007 });
    expect(requestedTimes(0n, 0n, wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_ATIM_NOW)).toBeNull();
    const now = requestedTimes(0n, 0n, wasi.FSTFLAGS_MTIM_NOW);
    expect(now?.accessedMs).toBeUndefined();
    expect(Math.abs((now?.modifiedMs ?? 0) - Date.now())).toBeLessThan(5_000);
  });
});
