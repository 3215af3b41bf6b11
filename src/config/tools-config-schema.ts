import { z } from 'zod';
import { renamedKey } from '../auth/renamed-key.js';
import { mcpConfigSchema } from './mcp-config-schema.js';

/**
 * Tools beyond the built-ins, declared in the config file. Paths relative to the config
 * file are anchored to its folder when the file is loaded.
 */
const approval = { needsApproval: z.boolean().optional() };

export const toolsConfigSchema = z
  .strictObject({
    /** WASI tools: a manifest (JSON) and its module (default: `<manifest folder>/<folder name>.wasm`). */
    wasm: z.array(z.strictObject({ manifest: z.string().min(1), module: z.string().min(1).optional(), ...approval })).default([]),
    /** Script tools: a manifest (JSON) whose `source` is inline or whose `sourceFile` names a `.js` file. */
    scripts: z.array(z.strictObject({ manifest: z.string().min(1), ...approval })).default([]),
    /**
     * QuickJS script runs at once (Node): per process, one worker thread each (default the
     * CPU count), and per session (default 2). Further calls queue; none fails for it.
     */
    scriptConcurrency: z
      .strictObject({ perProcess: z.number().int().min(1).max(256).optional(), perSession: z.number().int().min(1).max(256).optional() })
      .optional(),
    /**
     * `fs_read`, `fs_write`, `fs_list`, confined to these roots. Spelt `fsRoots` like a
     * role's grant and a WASM manifest's: it is the fs tools' request, intersected with
     * the roles' `fsRoots` exactly as a manifest's is.
     */
    fs: z
      .strictObject({
        fsRoots: z.array(z.strictObject({ path: z.string().min(1), write: z.boolean().default(false) })).min(1),
        maxBytes: z.number().int().positive().optional(),
        ...approval,
        roots: renamedKey('roots', 'fsRoots'),
      })
      .transform(({ roots: _renamed, ...fs }) => fs)
      .optional(),
    /** `http_fetch`, only to these hosts (`api.example.com`, `*.example.com`, `host:port`). */
    http: z
      .strictObject({
        hosts: z.array(z.string().min(1)).min(1),
        maxBytes: z.number().int().positive().optional(),
        timeoutMs: z.number().int().positive().optional(),
        ...approval,
      })
      .optional(),
    /** MCP servers as tool sources; see mcp-config-schema.ts. */
    mcp: mcpConfigSchema,
    /** Names of tools (any kind) whose calls wait for a human approve/deny. */
    requireApproval: z.array(z.string().min(1)).default([]),
  })
  .prefault({});

export type ToolsConfig = z.output<typeof toolsConfigSchema>;
