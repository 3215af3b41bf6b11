/**
 * Script tools: JavaScript tools run isolated from the host, with explicit capabilities.
 * The portable QuickJS backend lives here; the V8 isolate backend is in `agentbox/node`.
 */
export * from './script-sandbox.js';
export { createQuickJsSandbox, type QuickJsSandboxOptions } from './quickjs-sandbox.js';
export { QUICKJS_MEMORY_FLOOR_MB } from './quickjs-instance-pool.js';
export { createScriptTool, type CreateScriptToolOptions } from './create-script-tool.js';
export {
  parseScriptToolManifest,
  scriptToolManifestSchema,
  scriptCapabilitiesSchema,
  type ScriptToolManifest,
  type ScriptToolManifestInput,
  type ScriptCapabilities,
} from './script-tool-manifest.js';
export { createAllowListedFetch, type AllowListedFetchOptions, type GuestFetchResponse } from './allow-listed-fetch.js';
