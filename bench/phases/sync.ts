/**
 * The sidecar's jobs against the seeded realm: its first pass at start (reconcile and full sync
 * together), then each job alone, then incremental sync of paced device removals.
 */
import pg from 'pg';
import { staffBearerToken } from '../../devkit/src/index.js';
import { measure, percentile, sleep, syncCalls } from '../measure.js';
import { CHANGES, SECRET } from '../options.js';
import { type SidecarProcess, startSidecarProcess } from '../processes.js';
import { HELPER } from '../realm.js';
import type { BenchRealm } from './setup.js';

export interface LiveSidecar extends BenchRealm {
  sidecar: SidecarProcess;
  db: pg.Pool;
  /** an access token of the helpdesk account */
  token(): Promise<string>;
  api(path: string, method?: string): Promise<unknown>;
}

/** how long before the token ends, or its sign-in gets too old for writes, the helper signs in again */
const RENEW_MARGIN_S = 30;
/** helpdesk.maxAuthAgeSeconds by default (the bench's sidecar.yaml keeps it): writes need a sign-in this recent */
const MAX_AUTH_AGE_S = 600;

/**
 * The helpdesk account's token, from a sign-in with password and code as staff sign in (the sidecar refuses
 * tokens without the second factor); signed in again before the token ends or its sign-in gets too old.
 */
const helperToken = (emulatorUrl: string, realm: string) => {
  let current: Promise<{ token: string; renewAt: number }> | undefined;
  const signIn = async () => {
    const token = await staffBearerToken(emulatorUrl, realm, HELPER.username, HELPER.password, HELPER.otpSecret);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
      auth_time: number;
    };
    return { token, renewAt: (Math.min(claims.exp, claims.auth_time + MAX_AUTH_AGE_S) - RENEW_MARGIN_S) * 1000 };
  };
  return async () => {
    if (!current || Date.now() >= (await current).renewAt) current = signIn();
    return (await current).token;
  };
};

export const startAndFirstPass = async (run: BenchRealm) => {
  const { emulator, realm, postgres } = run;
  const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  const token = helperToken(emulator.url, realm);
  await emulator.call('reset');
  const spawned = performance.now();
  const sidecar = await startSidecarProcess({
    KEYCLOAK_URL: emulator.url,
    KEYCLOAK_REALM: realm,
    SIDECAR_CLIENT_SECRET: SECRET,
    HELPDESK_SESSION_SECRET: 'bench-helpdesk-session-secret-0123456789',
    REALM_CONFIG_DIR: run.dir,
    DATABASE_URL: postgres.url,
    LISTEN_HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    RECONCILE_INTERVAL_SECONDS: '86400',
    DEVICE_SYNC_INTERVAL_SECONDS: '86400',
    HELPDESK_TOKEN_CLIENTS: 'otp-helpdesk',
  });
  const api = async (path: string, method = 'GET') =>
    (
      await fetch(`${sidecar.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${await token()}` } })
    ).json();
  const firstPass = await measure(sidecar.pid, async () => {
    for (;;) {
      const [sync, reconciled] = await Promise.all([
        api('/sync') as Promise<{ lastCompletedAt?: string }>,
        fetch(`${sidecar.managementUrl}/metrics`).then((r) => r.text()),
      ]);
      if (sync.lastCompletedAt && /otp_sidecar_last_reconcile_timestamp_seconds [1-9]/.test(reconciled)) return;
      await sleep(100);
    }
  });
  const adminCalls = (await emulator.counts()).total;
  const wallS = (performance.now() - spawned) / 1000;
  const live: LiveSidecar = { ...run, sidecar, db, token, api };
  return {
    live,
    firstPass: {
      wallS,
      adminCalls,
      peakRssMb: firstPass.peakRssMb,
      cpuS: firstPass.cpuMs / 1000,
    },
  };
};

/** A reconcile with nothing to change, then a full sync, each alone; the speed-up is against the baseline. */
export const jobsAlone = async ({ users, holders, emulator, sidecar, api }: LiveSidecar, baselineWallMs: number) => {
  await emulator.call('reset');
  const reconcile = await measure(sidecar.pid, () => api('/compliance/reconcile', 'POST'));
  const reconcileCounts = await emulator.counts();

  await emulator.call('reset');
  const fullSync = await measure(sidecar.pid, async () => {
    const before = ((await api('/sync')) as { lastCompletedAt?: string }).lastCompletedAt;
    await api('/sync', 'POST');
    for (;;) {
      const state = (await api('/sync')) as { running: boolean; lastCompletedAt?: string };
      if (!state.running && state.lastCompletedAt !== before) return;
      await sleep(50);
    }
  });
  const fullSyncCounts = await emulator.counts();
  console.log(
    `[${users}] reconcile ${(reconcile.wallMs / 1000).toFixed(1)} s, full sync ${(fullSync.wallMs / 1000).toFixed(1)} s`,
  );
  return {
    reconcile: {
      wallS: reconcile.wallMs / 1000,
      cpuS: reconcile.cpuMs / 1000,
      peakRssMb: reconcile.peakRssMb,
      adminCalls: reconcileCounts.total,
      adminWrites: (reconcile.value as { report?: { adminWrites: number } }).report?.adminWrites ?? null,
      calls: reconcileCounts.byRoute,
    },
    fullSync: {
      wallS: fullSync.wallMs / 1000,
      cpuS: fullSync.cpuMs / 1000,
      peakRssMb: fullSync.peakRssMb,
      adminCalls: syncCalls(fullSyncCounts.byRoute),
      bound: Math.ceil((users + 1) / 500) + holders, // + the helpdesk account
      speedupVsBaseline: baselineWallMs / fullSync.wallMs,
      calls: fullSyncCounts.byRoute,
    },
  };
};

/** Incremental sync: device removals in Keycloak, paced, and the time until each shows in the mirror. */
export const incrementalSync = async ({ realm, kc, db, sidecar }: LiveSidecar) => {
  const targets = (
    await db.query<{ user_id: string; credential_id: string }>(
      'select user_id, credential_id from otp_devices where realm = $1 and removed_at is null order by credential_id limit $2',
      [realm, CHANGES],
    )
  ).rows;
  const removedAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const watcher = setInterval(async () => {
    const waiting = [...removedAt.keys()].filter((id) => !seenAt.has(id));
    if (waiting.length === 0) return;
    const { rows } = await db.query<{ credential_id: string }>(
      'select credential_id from otp_devices where realm = $1 and removed_at is not null and credential_id = any($2)',
      [realm, waiting],
    );
    for (const row of rows) if (!seenAt.has(row.credential_id)) seenAt.set(row.credential_id, Date.now());
  }, 50);
  const incremental = await measure(sidecar.pid, async () => {
    // 100 changes a second, ten at a time
    for (let i = 0; i < targets.length; i += 10) {
      const started = Date.now();
      await Promise.all(
        targets.slice(i, i + 10).map(async (t) => {
          await kc.users.deleteCredential({ realm, id: t.user_id, credentialId: t.credential_id });
          removedAt.set(t.credential_id, Date.now());
        }),
      );
      await sleep(Math.max(0, 100 - (Date.now() - started)));
    }
    const until = Date.now() + 60_000;
    while (seenAt.size < targets.length && Date.now() < until) await sleep(100);
  });
  clearInterval(watcher);
  const lags = [...seenAt].map(([id, at]) => at - (removedAt.get(id) ?? at));
  return {
    changes: targets.length,
    seen: seenAt.size,
    lagP50Ms: percentile(lags, 50),
    lagP95Ms: percentile(lags, 95),
    wallS: incremental.wallMs / 1000,
  };
};
