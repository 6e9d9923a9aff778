/** A size's setup (PostgreSQL, the emulated Keycloak, the seeded realm) and the naive baseline beside it. */
import KcAdminClient from '@keycloak/keycloak-admin-client';
import { type PostgresServer, startPostgres } from '../../devkit/src/index.js';
import { BASELINE_MAX, LATENCY_MS } from '../options.js';
import { type Emulator, startEmulatorProcess } from '../processes.js';
import { bootstrap, createHelper, devicesOf, naiveBaseline, seedRealm } from '../realm.js';

export interface BenchRealm {
  users: number;
  realm: string;
  postgres: PostgresServer;
  emulator: Emulator;
  kc: KcAdminClient;
  /** the realm-config folder the sidecar reads */
  dir: string;
  helperId: string;
  /** users with at least one OTP device */
  holders: number;
}

export const seededRealm = async (users: number): Promise<BenchRealm> => {
  // PostgreSQL (from Debian, as CI installs it), as a large organisation runs it; the embedded database
  // (PGlite) alone takes ~0.7 GB of RSS for its WebAssembly heap, whatever the realm size.
  const postgres = await startPostgres();
  const emulator = await startEmulatorProcess();
  const kc = new KcAdminClient({ baseUrl: emulator.url, realmName: 'master' });
  await kc.auth({ grantType: 'password', clientId: 'admin-cli', username: 'admin', password: 'admin' });
  const realm = `bench${users}`;
  const seedStarted = performance.now();
  const dir = await bootstrap(kc, realm);
  await seedRealm(kc, realm, users);
  const seedS = (performance.now() - seedStarted) / 1000;
  const helperId = await createHelper(kc, realm);
  const holders = Array.from({ length: users }, (_, i) => i).filter((i) => devicesOf(i) > 0).length;
  console.log(`[${users}] seeded in ${seedS.toFixed(1)} s (${holders} users with OTP)`);
  return { users, realm, postgres, emulator, kc, dir, helperId, holders };
};

/** Injects the latency, then runs the naive baseline, side by side; beyond BASELINE_MAX users it is extrapolated. */
export const baselinePhase = async ({ users, realm, emulator, kc }: BenchRealm) => {
  await emulator.call('latency', { ms: LATENCY_MS });
  await emulator.call('reset');
  const started = performance.now();
  const read = await naiveBaseline(kc, realm, Math.min(users, BASELINE_MAX));
  const wallMs = performance.now() - started;
  const calls = (await emulator.counts()).total;
  const scale = users / read.read;
  console.log(`[${users}] naive baseline: ${read.read} users in ${(wallMs / 1000).toFixed(1)} s`);
  const scaledWallMs = wallMs * scale;
  return {
    scaledWallMs,
    summary: {
      usersRead: read.read,
      extrapolated: scale > 1,
      adminCalls: Math.round(calls * scale),
      wallS: scaledWallMs / 1000,
    },
  };
};
