/** One realm size, phase by phase, on a fresh PostgreSQL and emulated Keycloak; returns its results. */
import { peakRssMbOf } from './measure.js';
import { LATENCY_MS } from './options.js';
import { endpointsUnderLoad } from './phases/endpoints.js';
import { baselinePhase, seededRealm } from './phases/setup.js';
import { incrementalSync, jobsAlone, startAndFirstPass } from './phases/sync.js';

export const benchSize = async (users: number) => {
  const run = await seededRealm(users);
  const baseline = await baselinePhase(run);
  const { live, firstPass } = await startAndFirstPass(run);
  const { reconcile, fullSync } = await jobsAlone(live, baseline.scaledWallMs);
  const incremental = await incrementalSync(live);
  const endpoints = await endpointsUnderLoad(live);
  const sidecarPeakRssMb = peakRssMbOf(live.sidecar.pid);
  await live.sidecar.stop();
  await live.db.end();
  await run.emulator.stop();
  await run.postgres.close();
  return {
    users,
    usersWithOtp: run.holders,
    latencyMs: LATENCY_MS,
    baseline: baseline.summary,
    firstPass,
    reconcile,
    fullSync,
    incremental,
    ...endpoints,
    sidecarPeakRssMb,
  };
};

export type SizeResult = Awaited<ReturnType<typeof benchSize>>;
