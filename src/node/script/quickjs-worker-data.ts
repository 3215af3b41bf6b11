/** What the QuickJS worker pool hands each worker at start (structured-clone safe). */
export interface QuickJsWorkerData {
  /** QuickJS compiled once by the pool and shared by its workers; absent, each worker loads its own. */
  wasmModule: WebAssembly.Module | undefined;
  maxStackBytes: number;
  warmMemoryMb: number;
}
