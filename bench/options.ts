/** The benchmark's knobs, from the environment (see bench/run.ts). */
import { imageCommand } from '../devkit/src/index.js';

export const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
export const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 5);
/** the naive baseline reads at most this many users' credentials; beyond, its time is extrapolated */
export const BASELINE_MAX = Number(process.env.BENCH_BASELINE_MAX ?? 10_000);
export const CHANGES = Number(process.env.BENCH_CHANGES ?? 1000);
export const SECRET = 'bench-sidecar-secret-0123456789abcdef';
/** Node flags of the sidecar process (BENCH_SIDECAR_NODE_FLAGS; default: as the container image runs it) */
export const SIDECAR_NODE_FLAGS =
  process.env.BENCH_SIDECAR_NODE_FLAGS?.split(' ').filter(Boolean) ?? imageCommand().nodeFlags;
export const SEED_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
