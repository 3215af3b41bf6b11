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
