/**
 * `npm run bench`: the sidecar against an emulated Keycloak of N users (BENCH_SIZES, default 1000,10000;
 * add 100000 for the large-realm targets) with BENCH_LATENCY_MS (default 5) injected on every request.
 * The emulator runs in its own process and counts admin API calls; the sidecar runs in another, whose
 * CPU time and peak RSS are sampled per phase (bench/size.ts). Writes bench/results/latest.{json,md}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { BASELINE_MAX, LATENCY_MS, SIDECAR_NODE_FLAGS, SIZES } from './options.js';
import { table } from './report.js';
import { benchSize } from './size.js';

const results = [];
for (const size of SIZES) results.push(await benchSize(size));
mkdirSync('bench/results', { recursive: true });
const stamp = new Date().toISOString();
writeFileSync(
  'bench/results/latest.json',
  `${JSON.stringify({ at: stamp, latencyMs: LATENCY_MS, sidecarNodeFlags: SIDECAR_NODE_FLAGS, results }, null, 2)}\n`,
);
const markdown = `# Benchmark ${stamp}\n\n${LATENCY_MS} ms injected per Keycloak request; store: PostgreSQL; sidecar = the compiled build in its own process (node ${SIDECAR_NODE_FLAGS.join(' ')}); \`npm run bench\` (BENCH_SIZES=${SIZES.join(',')}).\n\\* = baseline extrapolated from its first ${BASELINE_MAX} users.\n\n${table(results)}\n`;
writeFileSync('bench/results/latest.md', markdown);
console.log(`\n${markdown}`);
