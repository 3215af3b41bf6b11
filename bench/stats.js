/** Small statistics helpers shared by the benchmarks. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, median: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

export const fmt = (x, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

export function report(title, rows) {
  console.log(`\n## ${title}`);
  for (const [k, v] of Object.entries(rows)) console.log(`  ${k.padEnd(44)} ${v}`);
}

export function gc() {
  if (globalThis.gc) {
    globalThis.gc();
    globalThis.gc();
  }
}

/** Runs `fn` `rounds` times, one after another, and summarizes the times (ms). */
export async function timeRounds(fn, rounds) {
  const samples = [];
  for (let r = 0; r < rounds; r += 1) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** Of several summaries of one path, the one with the lowest median (the others paid for noise or warm-up). */
export const best = (runs) => runs.reduce((a, b) => (a.median <= b.median ? a : b));

/**
 * Warms both paths, then times each twice in turn (direct, agentbox, direct, agentbox) and
 * keeps each one's best summary: the first loop pays for JIT warm-up.
 */
export async function alternateBest(direct, agentbox, rounds, warmup = 20) {
  for (let i = 0; i < warmup; i += 1) {
    await direct();
    await agentbox();
  }
  const d = [await timeRounds(direct, rounds)];
  const a = [await timeRounds(agentbox, rounds)];
  d.push(await timeRounds(direct, rounds));
  a.push(await timeRounds(agentbox, rounds));
  return { direct: best(d), agentbox: best(a) };
}
