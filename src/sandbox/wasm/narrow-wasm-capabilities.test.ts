import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../auth/capabilities.js';
import { narrowWasmCapabilities, wasmRequestedCapabilities } from './narrow-wasm-capabilities.js';
import { parseWasmManifest } from './wasm-manifest.js';

const caps = parseWasmManifest({
  name: 't',
  description: 'd',
  parameters: {},
  capabilities: {
    memoryMb: 64,
    timeoutMs: 5000,
    fsRoots: [
      { path: '/data/in', guest: '/in' },
      { path: '/data/out', guest: '/out', write: true },
      { path: '/etc', guest: '/etc' },
    ],
  },
}).capabilities;

describe('narrowWasmCapabilities', () => {
  it('states the manifest in the RBAC vocabulary', () => {
    expect(wasmRequestedCapabilities(caps)).toEqual({
      fsRoots: [
        { path: '/data/in', write: false },
        { path: '/data/out', write: true },
        { path: '/etc', write: false },
      ],
      memoryMb: 64,
      timeoutMs: 5000,
    });
  });

  it('keeps only directories a grant covers, drops write unless granted, takes the smaller limits', () => {
    const narrowed = narrowWasmCapabilities(caps, { fsRoots: [{ path: '/data', write: false }], memoryMb: 16, timeoutMs: 60_000 });
    expect(narrowed.fsRoots).toEqual([
      { path: '/data/in', guest: '/in', write: false },
      { path: '/data/out', guest: '/out', write: false },
    ]);
    expect(narrowed.memoryMb).toBe(16);
    expect(narrowed.timeoutMs).toBe(5000);
  });

  it('grants no directory when the roles grant no root', () => {
    expect(narrowWasmCapabilities(caps, {}).fsRoots).toEqual([]);
  });

  it('grants no directory when the grant is malformed (fails closed)', () => {
    for (const effective of [{ fsRoots: '/' }, { fsRoots: [{ path: 1 }] }, { fsRoots: [{ path: 'data' }] }] as unknown as Capabilities[]) {
      expect(narrowWasmCapabilities(caps, effective).fsRoots).toEqual([]);
    }
  });

  it('keeps a directory whose grant is spelt differently but names the same path', () => {
    expect(narrowWasmCapabilities(caps, { fsRoots: [{ path: '/data/./in/', write: true }] }).fsRoots).toEqual([
      { path: '/data/in', guest: '/in', write: false },
    ]);
  });

  it('applies the manifest as written when no authorizer narrowed it', () => {
    expect(narrowWasmCapabilities(caps, undefined)).toBe(caps);
  });
});
