import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from './browser/helpers/browser.js';

/**
 * CLI and process-level tests run the compiled `dist/`, exactly as a user does: build it once.
 * Browser tests and `agentbox serve` load the browser bundles from `dist-web/`: build those too.
 * Where the browser comes from npm, it is unpacked here once, so parallel test files never
 * race to unpack it.
 */
export default async function setup(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts/build-web.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
  await chromiumPath();
}
