/**
 * Type tests: every place that states capabilities states the one `Capabilities` type, so
 * a manifest, a role's grant and a tool's request can be intersected without a cast.
 * Checked by `tsc --noEmit` (part of `npm test`); a drift is a compile error here.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { Tool, ToolContext } from '../agent/tools/tool.js';
import type { ToolAuthDecision } from '../agent/tools/tool-executor.js';
import type { ToolsConfig } from '../config/tools-config-schema.js';
import type { ScriptCapabilities } from '../sandbox/script/script-tool-manifest.js';
import type { WasmCapabilities } from '../sandbox/wasm/wasm-manifest.js';
import type { RoleConfig } from './auth-config-schema.js';
import type { Authorizer } from './authorizer.js';
import type { Capabilities, FsRootCapability } from './capabilities.js';

describe('Capabilities', () => {
  it("is the type of a tool's request, a call's grant and the executor's decision", () => {
    expectTypeOf<Tool['capabilities']>().toEqualTypeOf<Capabilities | undefined>();
    expectTypeOf<ToolContext['capabilities']>().toEqualTypeOf<Capabilities | undefined>();
    expectTypeOf<ToolAuthDecision['capabilities']>().toEqualTypeOf<Capabilities | undefined>();
    expectTypeOf<Authorizer['capabilitiesFor']>().returns.toEqualTypeOf<Capabilities>();
  });

  it("is what manifests, role grants and the fs tools' config parse to", () => {
    expectTypeOf<WasmCapabilities>().toExtend<Capabilities>();
    expectTypeOf<ScriptCapabilities>().toExtend<Capabilities>();
    expectTypeOf<NonNullable<RoleConfig['capabilities']>>().toExtend<Capabilities>();
    expectTypeOf<NonNullable<ToolsConfig['fs']>>().toExtend<Pick<Capabilities, 'fsRoots'>>();
    expectTypeOf<NonNullable<ToolsConfig['http']>>().toExtend<Pick<Capabilities, 'hosts'>>();
  });

  it('has one spelling per grant: the old keys are gone from the parsed types', () => {
    expectTypeOf<WasmCapabilities>().not.toHaveProperty('dirs');
    expectTypeOf<WasmCapabilities['fsRoots'][number]>().toExtend<FsRootCapability & { guest: string; write: boolean }>();
    expectTypeOf<WasmCapabilities['fsRoots'][number]>().not.toHaveProperty('host');
    expectTypeOf<ScriptCapabilities>().not.toHaveProperty('fetchHosts');
    expectTypeOf<NonNullable<ToolsConfig['fs']>>().not.toHaveProperty('roots');
  });
});
