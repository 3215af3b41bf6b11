/** The V8 isolate backend for script tools (Node only): isolates in supervised child processes. */
export { createIsolateSandbox, type IsolateSandboxOptions } from './isolate-sandbox.js';
