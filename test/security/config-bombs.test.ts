import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentboxError } from '../../src/errors/agentbox-error.js';
import { loadConfig } from '../../src/node/config/config-file.js';

function write(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'agentbox-bomb-')), name);
  writeFileSync(path, text);
  return path;
}

describe('hostile config files', () => {
  it('refuses a YAML alias bomb ("billion laughs") quickly, as a config error naming the file', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i += 1) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const path = write('agentbox.config.yaml', `${levels.join('\n')}\n`);
    const started = performance.now();
    const error = await loadConfig({ cwd: tmpdir(), configPath: path, env: {}, flags: {} }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(AgentboxError.isInstance(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toContain(path);
  });

  it('treats a __proto__ key in JSON as an unknown key, polluting nothing', async () => {
    const path = write('agentbox.config.json', '{"__proto__": {"polluted": true}, "llm": {"__proto__": {"x": 1}}}');
    const error = await loadConfig({ cwd: tmpdir(), configPath: path, env: {}, flags: {} }).catch((e: unknown) => e);
    expect(AgentboxError.isInstance(error) && error.code).toBe('CONFIG_INVALID');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('rejects absurd numbers with the key named', async () => {
    const path = write('agentbox.config.toml', '[agent]\nmaxSteps = 1e308\n');
    await expect(loadConfig({ cwd: tmpdir(), configPath: path, env: {}, flags: {} })).rejects.toThrow(/agent\.maxSteps/);
  });
});
