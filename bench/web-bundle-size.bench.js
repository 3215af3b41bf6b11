/** `npm run bench`: browser bundle sizes (see web-bundle-size.mjs). */
await import('./web-bundle-size.mjs').then(async ({ measureBundles, CORE_BUDGET_BYTES }) => {
  const sizes = await measureBundles();
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  for (const [name, s] of Object.entries(sizes))
    console.log(`${name.padEnd(7)} min ${kib(s.minifiedBytes).padStart(10)}  gzip ${kib(s.gzipBytes).padStart(9)}`);
  const ratio = sizes.core.gzipBytes / CORE_BUDGET_BYTES;
  console.log(`core gzip ${kib(sizes.core.gzipBytes)}: ${(ratio * 100).toFixed(0)}% of the ${kib(CORE_BUDGET_BYTES)} budget`);
  if (ratio > 1) process.exitCode = 1;
});
