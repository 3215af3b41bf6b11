/**
 * `poll_oneoff` beyond the shim's single clock subscription: wasi-libc's `poll()` on stdin
 * and stdout subscribes FD_READ/FD_WRITE events plus a clock for the timeout. Every
 * descriptor here (stdin bytes, capped output, files, directories) is ready at once, so fd
 * subscriptions are answered immediately and the clock is then not needed; a poll of
 * clocks alone is a sleep, which stays behind the clock grant.
 */
import { wasi } from '@bjorn3/browser_wasi_shim';

const SUBSCRIPTION_BYTES = 48;
const EVENT_BYTES = 32;

export interface PollOneoffOptions {
  memory: () => ArrayBuffer;
  isOpen: (fd: number) => boolean;
  /** The clock-only poll (a sleep), or undefined without the clock grant. */
  sleep: ((inPtr: number, outPtr: number, count: number, neventsPtr: number) => number) | undefined;
}

export function createPollOneoff(options: PollOneoffOptions): (inPtr: number, outPtr: number, count: number, neventsPtr: number) => number {
  return (inPtr, outPtr, count, neventsPtr) => {
    if (count === 0) return wasi.ERRNO_INVAL;
    const view = new DataView(options.memory());
    let events = 0;
    for (let i = 0; i < count; i++) {
      const sub = inPtr + i * SUBSCRIPTION_BYTES;
      const type = view.getUint8(sub + 8);
      if (type !== wasi.EVENTTYPE_FD_READ && type !== wasi.EVENTTYPE_FD_WRITE) continue;
      const event = outPtr + events * EVENT_BYTES;
      view.setBigUint64(event, view.getBigUint64(sub, true), true);
      view.setUint16(event + 8, options.isOpen(view.getUint32(sub + 16, true)) ? wasi.ERRNO_SUCCESS : wasi.ERRNO_BADF, true);
      view.setUint8(event + 10, type);
      // nbytes unknown (0) and no hang-up flag: ready, as a regular file always is.
      view.setBigUint64(event + 16, 0n, true);
      view.setUint16(event + 24, 0, true);
      events++;
    }
    if (events > 0) {
      view.setUint32(neventsPtr, events, true);
      return wasi.ERRNO_SUCCESS;
    }
    if (!options.sleep) return wasi.ERRNO_PERM;
    // The shim waits for one clock subscription only, and never writes the event count.
    if (count !== 1) return wasi.ERRNO_NOTSUP;
    const ret = options.sleep(inPtr, outPtr, count, neventsPtr);
    if (ret === wasi.ERRNO_SUCCESS) view.setUint32(neventsPtr, 1, true);
    return ret;
  };
}
