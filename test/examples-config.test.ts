import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/node/config/config-file.js';
import { loadConfiguredTools } from '../src/node/tools/load-configured-tools.js';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));
/** `fsRoots: [{ path: . }]` in the file, anchored to its folder. */
const root = examples.replace(/\/$/, '');

describe('examples/agentbox.config.yaml', () => {
  it('loads as written and builds every tool it declares, in the current spelling', async () => {
    const config = await loadConfig({ cwd: examples, configPath: 'agentbox.config.yaml', env: {} });
    expect(config.tools.fs?.fsRoots).toEqual([{ path: root, write: false }]);
    const { tools, close } = await loadConfiguredTools(config.tools);
    try {
      expect(tools.map((t) => t.name).sort()).toEqual(['fs_list', 'fs_read', 'fs_write', 'json_query', 'slugify', 'text_stats']);
      expect(tools.find((t) => t.name === 'fs_read')?.capabilities).toEqual({ fsRoots: [{ path: root, write: false }] });
    } finally {
      await close();
    }
  });
});
