/** Runs every benchmark in this folder, one process each (so heap figures do not mix). */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js') || f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n# ${file}`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--no-node-snapshot', join(here, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exitCode = failed ? 1 : 0;
