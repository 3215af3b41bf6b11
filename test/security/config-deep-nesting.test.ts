/**
 * Attacker: whoever can write a config file agentbox reads (a cloned repo's
 * agentbox.config.json, an AGENTBOX_CONFIG path). A document nested 5,000 levels deep used
 * to overflow the stack while the config was merged and validated: `agentbox config
 * validate` exited 1 with `RangeError: Maximum call stack size exceeded` and a stack trace,
 * instead of failing as an invalid configuration (CONFIG_INVALID, exit 2) naming the key.
 *
 * Fixed in src/config/resolve-config.ts: a file's data deeper than `maxConfigDepth` (64)
 * is refused before it is merged or validated (measured without recursion); and in
 * src/node/config-file.ts: the YAML parser's own stack overflow reads "nested too deeply to
 * parse". TOML was never affected (smol-toml stops at 1,000 levels); its cases guard that.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/run-cli.js';

const depth = 5_000;

function write(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'agentbox-deep-')), name);
  writeFileSync(path, text);
  return path;
}

const files: Record<string, () => string> = {
  JSON: () => write('agentbox.config.json', `{"tools":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
  YAML: () => write('agentbox.config.yaml', `tools: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`),
  'YAML (arrays)': () => write('agentbox.config.yaml', `tools: ${'['.repeat(depth)}1${']'.repeat(depth)}\n`),
  TOML: () => write('agentbox.config.toml', `tools = ${'{ a = '.repeat(depth)}1${' }'.repeat(depth)}\n`),
  'TOML (arrays)': () => write('agentbox.config.toml', `tools = ${'['.repeat(depth)}1${']'.repeat(depth)}\n`),
};

describe('agentbox config validate on a config nested 5,000 levels deep', () => {
  for (const [format, make] of Object.entries(files)) {
    it(`fails cleanly as CONFIG_INVALID for ${format}`, async () => {
      const path = make();
      const result = await runCli(['config', 'validate', path], { env: isolatedEnv() });
      expect(result.stderr).not.toMatch(/Maximum call stack|RangeError|\n\s+at /);
      expect(result.stderr).toContain('CONFIG_INVALID');
      expect(result.stderr).toContain(path);
      expect(result.code).toBe(2);
      if (format === 'JSON') expect(result.stderr).toContain('tools: nested more than 64 levels deep');
    }, 20_000);
  }
});
