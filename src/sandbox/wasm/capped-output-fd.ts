/**
 * stdout/stderr for a guest: collects (or streams) what it writes and stops the run the
 * moment it passes its byte budget — an output bomb must not grow host memory.
 */
import { Fd, wasi } from '@bjorn3/browser_wasi_shim';

/** Thrown out of `fd_write` to unwind the guest when it exceeds its output budget. */
export class OutputLimitExceeded extends Error {
  override name = 'OutputLimitExceeded';
  constructor(
    readonly stream: 'stdout' | 'stderr',
    readonly limitBytes: number,
  ) {
    super(`${stream} exceeded ${limitBytes} bytes`);
  }
}

export class CappedOutputFd extends Fd {
  private chunks: Uint8Array[] = [];
  private total = 0;

  constructor(
    private readonly stream: 'stdout' | 'stderr',
    private readonly limitBytes: number,
    /** When set, chunks go here instead of being kept (live pass-through). */
    private readonly onChunk?: (chunk: Uint8Array) => void,
  ) {
    super();
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (this.total + data.byteLength > this.limitBytes) {
      const room = this.limitBytes - this.total;
      if (room > 0) this.accept(data.subarray(0, room));
      throw new OutputLimitExceeded(this.stream, this.limitBytes);
    }
    this.accept(data);
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength };
  }

  private accept(data: Uint8Array): void {
    this.total += data.byteLength;
    if (this.onChunk) this.onChunk(data.slice());
    else this.chunks.push(data.slice());
  }

  /** A stream, not a file: wasi-libc's `lseek` on stdout must see ESPIPE, as on a pipe. */
  override fd_seek(): { ret: number; offset: bigint } {
    return { ret: wasi.ERRNO_SPIPE, offset: 0n };
  }

  override fd_tell(): { ret: number; offset: bigint } {
    return { ret: wasi.ERRNO_SPIPE, offset: 0n };
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_CHARACTER_DEVICE, 0);
    fdstat.fs_rights_base = BigInt(wasi.RIGHTS_FD_WRITE);
    return { ret: wasi.ERRNO_SUCCESS, fdstat };
  }

  get byteLength(): number {
    return this.total;
  }

  /** Everything kept so far (empty when streaming). */
  contents(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.byteLength, 0));
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }
}
