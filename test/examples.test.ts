import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, repoRoot, runCli } from './helpers/run-cli.js';

const examples = join(repoRoot, 'examples');

describe('the example configuration', () => {
  it('loads every example tool', async () => {
    const result = await runCli(['tool', 'list', '--json'], { env: isolatedEnv(), cwd: examples });
    expect(result.stderr).toBe('');
    const names = (JSON.parse(result.stdout) as Array<{ name: string }>).map((t) => t.name);
    expect(names).toEqual(['calculator', 'current_time', 'text_stats', 'json_query', 'slugify', 'fs_read', 'fs_write', 'fs_list']);
  });

  it('runs the example script tool in QuickJS', async () => {
    const result = await runCli(['tool', 'run', 'slugify', '--args', '{"title":"Crème Brûlée, Twice!"}'], { env: isolatedEnv(), cwd: examples });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ slug: 'creme-brulee-twice' });
  });

  it('denies the file tools to the example guest role', async () => {
    const result = await runCli(['tool', 'run', 'fs_list', '--principal', 'visitor', '--args', '{"path":"."}'], { env: isolatedEnv(), cwd: examples });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('role guest deny tool:invoke:fs_*');
  });
});
