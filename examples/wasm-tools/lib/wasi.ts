// Minimal WASI preview1 bindings for AssemblyScript tools, declared here so the tools
// need no extra package (@assemblyscript/wasi-shim is not required): read all of stdin,
// write stdout/stderr, exit. `abort` is wired in with `--use abort=…/wasi/abort`.

@external("wasi_snapshot_preview1", "fd_read")
declare function fd_read(fd: u32, iovs: usize, iovsLength: usize, nread: usize): u16;

@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: u32, iovs: usize, iovsLength: usize, nwritten: usize): u16;

@external("wasi_snapshot_preview1", "proc_exit")
declare function proc_exit(code: u32): void;

const IOVEC = memory.data(8, 4);
const COUNT = memory.data(4, 4);
const CHUNK: i32 = 65536;

/** All of stdin, decoded as UTF-8. */
export function readStdin(): string {
  let data = new Uint8Array(0);
  let chunk = new Uint8Array(CHUNK);
  while (true) {
    store<u32>(IOVEC, chunk.dataStart);
    store<u32>(IOVEC + 4, CHUNK);
    const errno = fd_read(0, IOVEC, 1, COUNT);
    const n = <i32>load<u32>(COUNT);
    if (errno != 0 || n == 0) break;
    const grown = new Uint8Array(data.length + n);
    grown.set(data);
    grown.set(chunk.subarray(0, n), data.length);
    data = grown;
  }
  return String.UTF8.decode(data.buffer);
}

function writeAll(fd: u32, text: string): void {
  const bytes = Uint8Array.wrap(String.UTF8.encode(text));
  let offset = 0;
  while (offset < bytes.length) {
    store<u32>(IOVEC, bytes.dataStart + <usize>offset);
    store<u32>(IOVEC + 4, bytes.length - offset);
    if (fd_write(fd, IOVEC, 1, COUNT) != 0) return;
    const n = <i32>load<u32>(COUNT);
    if (n == 0) return;
    offset += n;
  }
}

export function writeStdout(text: string): void {
  writeAll(1, text);
}

export function writeStderr(text: string): void {
  writeAll(2, text);
}

export function exit(code: u32): void {
  proc_exit(code);
}

/** Replaces AssemblyScript's `env.abort` import: report on stderr, exit like SIGABRT. */
export function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  writeAll(2, "abort: " + (message !== null ? message : "") + " at " + (fileName !== null ? fileName : "?") + ":" + line.toString() + ":" + column.toString() + "\n");
  proc_exit(134);
}
