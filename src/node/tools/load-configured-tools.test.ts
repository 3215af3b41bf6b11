import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfiguredTools } from './load-configured-tools.js';
import { toolsConfigSchema } from '../../config/tools-config-schema.js';

const textStats = fileURLToPath(new URL('../../../examples/wasm-tools/text-stats/', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'agentbox-configured-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A copy of the text-stats example whose manifest asks for `capabilities`. */
function wasmTool(name: string, capabilities: Record<string, unknown>): string {
  const folder = join(base, name);
  mkdirSync(folder);
  copyFileSync(join(textStats, 'text-stats.wasm'), join(folder, `${name}.wasm`));
  const manifest = { name: 'text_stats', description: 'd', parameters: { type: 'object' }, capabilities };
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
  return join(folder, 'manifest.json');
}

describe('loadConfiguredTools: WASM directory grants', () => {
  it('anchors a relative `fsRoots` path to the manifest folder and asks RBAC for it', async () => {
    const manifest = wasmTool('anchored', { fsRoots: [{ path: 'data', guest: '/data', write: true }] });
    const { tools, close } = await loadConfiguredTools(toolsConfigSchema.parse({ wasm: [{ manifest }] }));
    try {
      expect(tools[0]?.capabilities?.fsRoots).toEqual([{ path: join(base, 'anchored', 'data'), write: true }]);
    } finally {
      await close();
    }
  });

  it('fails at startup on the old `dirs` spelling, naming the manifest and the new key', async () => {
    const manifest = wasmTool('old', { dirs: [{ host: 'data', guest: '/data' }] });
    await expect(loadConfiguredTools(toolsConfigSchema.parse({ wasm: [{ manifest }] }))).rejects.toThrow(
      new RegExp(`WASM tool manifest ${manifest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*capabilities\\.dirs: \`dirs\` was renamed to \`fsRoots\``),
    );
  });
});
