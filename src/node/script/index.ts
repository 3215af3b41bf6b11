/**
 * Script sandboxes for Node: QuickJS in a pool of worker threads (the default for script
 * tools, off the event loop) and the V8 isolate backend in supervised child processes.
 */
export { createIsolateSandbox, type IsolateSandboxOptions } from './isolate-sandbox.js';
export {
  createQuickJsWorkerSandbox,
  QuickJsWorkerPool,
  DEFAULT_SCRIPT_RUNS_PER_SESSION,
  type QuickJsWorkerSandboxOptions,
  type QuickJsWorkerPoolStats,
} from './quickjs-worker-pool.js';
