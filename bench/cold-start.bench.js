/**
 * Cold start: whole processes, alternated so drift hits every row alike, beside `node -e 0`
 * measured in the same run. Rows: `agentbox --help`; a script that imports `agentbox` and
 * `agentbox/node` and runs `NodeRuntime.init` with the memory store (its in-process time
 * is reported too: the target is ≤ 60 ms); and, when installed, the same import
 * of the `openai` SDK and of the AI SDK for comparison.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, report, summarize } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const require = createRequire(join(root, 'package.json'));
const installed = (name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

/** Prints, on its last line, the ms the script's imports and work took (Node's own bootstrap excluded). */
const timed = (body) => `const t0 = performance.now(); ${body}; console.log(performance.now() - t0);`;
const rows = {
  'node -e 0': ['-e', '0'],
  'agentbox --help': [join(root, 'dist/cli/main.js'), '--help'],
  'import agentbox + NodeRuntime.init (memory)': [
    '--input-type=module',
    '-e',
    timed(
      "await import('agentbox'); const { NodeRuntime } = await import('agentbox/node'); const rt = await NodeRuntime.init({ llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm' }, store: { kind: 'memory' } }); await rt.close()",
    ),
  ],
};
if (installed('openai'))
  rows['import openai + new OpenAI()'] = [
    '--input-type=module',
    '-e',
    timed("const { default: OpenAI } = await import('openai'); new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1' })"),
  ];
if (installed('ai') && installed('@ai-sdk/openai-compatible')) {
  rows['import ai + openai-compatible provider'] = [
    '--input-type=module',
    '-e',
    timed(
      "await import('ai'); const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible'); createOpenAICompatible({ name: 'x', baseURL: 'http://127.0.0.1:9/v1' })('m')",
    ),
  ];
}

const wall = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
const inside = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
for (let i = 0; i < runs; i += 1) {
  for (const [name, args] of Object.entries(rows)) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    wall[name].push(performance.now() - started);
    if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
    const last = Number(result.stdout.trim().split('\n').at(-1));
    if (args.includes('--input-type=module')) inside[name].push(last);
  }
}
const base = summarize(wall['node -e 0']).median;
const out = {};
for (const name of Object.keys(rows)) {
  const median = summarize(wall[name]).median;
  const own = inside[name].length ? `; imports + work ${fmt(summarize(inside[name]).median, 0)} ms` : '';
  out[name] = `${fmt(median, 0)} ms wall (${fmt(median / base, 2)}× node -e 0${own})`;
}
report(`cold start, median of ${runs} runs each`, out);
