import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HardLinkRegistry, defaultLinkRegistryDir } from './hard-link-registry.js';

let base: string;
let root: string;
let registries: string;

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'agentbox-link-registry-'));
  root = path.join(base, 'grant');
  registries = path.join(base, 'data', 'wasi-links');
  mkdirSync(root);
  writeFileSync(path.join(root, 'f'), 'x');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const stat = (p: string) => statSync(p, { bigint: true });

describe('HardLinkRegistry', () => {
  it('remembers a file for a later registry of the same grant, and only for that grant', () => {
    const file = stat(path.join(root, 'f'));
    expect(new HardLinkRegistry(registries, root, stat(root)).add(file)).toBe(true);
    const later = new HardLinkRegistry(registries, root, stat(root));
    expect([later.has(file), later.hasAny()]).toEqual([true, true]);
    mkdirSync(path.join(base, 'other'));
    const other = new HardLinkRegistry(registries, path.join(base, 'other'), stat(path.join(base, 'other')));
    expect([other.has(file), other.hasAny()]).toEqual([false, false]);
  });

  it('sees an entry another registry of the grant added after it was first read', () => {
    const reader = new HardLinkRegistry(registries, root, stat(root));
    const file = stat(path.join(root, 'f'));
    expect(reader.has(file)).toBe(false);
    new HardLinkRegistry(registries, root, stat(root)).add(file);
    expect(reader.has(file)).toBe(true);
  });

  it('keys a file by birth time too, and records nothing without one', () => {
    const registry = new HardLinkRegistry(registries, root, stat(root));
    const file = stat(path.join(root, 'f'));
    registry.add(file);
    expect(registry.has({ dev: file.dev, ino: file.ino, birthtimeNs: file.birthtimeNs + 1n })).toBe(false);
    expect(registry.add({ dev: file.dev, ino: 12345n, birthtimeNs: 0n })).toBe(false);
    expect(
      readFileSync(path.join(registries, `${stat(root).dev}-${stat(root).ino}-${stat(root).birthtimeNs}.links`), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1);
  });

  it('is disabled inside the grant, where a guest could write it', () => {
    const registry = new HardLinkRegistry(path.join(root, 'links'), root, stat(root));
    expect([registry.enabled, registry.add(stat(path.join(root, 'f')))]).toEqual([false, false]);
  });

  it('lives in the agentbox data directory', () => {
    expect(defaultLinkRegistryDir({ AGENTBOX_HOME: '/srv/agentbox' })).toBe(path.join('/srv/agentbox', 'wasi-links'));
  });
});
