/**
 * `npm run bench`: the sidecar against an emulated Keycloak of N users (BENCH_SIZES, default 1000,10000;
 * add 100000 for the large-realm targets) with BENCH_LATENCY_MS (default 5) injected on every request.
 * The emulator runs in its own process and counts admin API calls; the sidecar runs in this one, whose
 * CPU time and peak RSS are sampled per phase. Writes bench/results/latest.{json,md}.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { applyChanges, planRealm } from '../admin-scripts/src/index.js';
import { loadRealmConfig } from '../realm-files/src/index.js';
import { imageCommand } from '../test/support/image.js';
import { startPostgres } from '../test/support/postgres.js';
import { otpCredential } from '../test/support/users.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 5);
/** the naive baseline reads at most this many users' credentials; beyond, its time is extrapolated */
const BASELINE_MAX = Number(process.env.BENCH_BASELINE_MAX ?? 10_000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 1000);
const SECRET = 'bench-sidecar-secret-0123456789abcdef';
/** Node flags of the sidecar process (BENCH_SIDECAR_NODE_FLAGS; default: as the container image runs it) */
const SIDECAR_NODE_FLAGS = process.env.BENCH_SIDECAR_NODE_FLAGS?.split(' ').filter(Boolean) ?? imageCommand().nodeFlags;
const SEED_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

interface Emulator {
  url: string;
  pid: number;
  call<T>(type: string, extra?: Record<string, unknown>): Promise<T>;
  counts(): Promise<{ total: number; byRoute: Record<string, number> }>;
  stop(): Promise<void>;
}

const startEmulatorProcess = async (): Promise<Emulator> => {
  // In production Keycloak has machines of its own; here it shares the sidecar's two cores. Its heap (1 GB at
  // 100k users) is collected on request before the load phases instead of by V8's memory reducer, which
  // starts full GCs whenever the emulator turns idle and would land them on the sidecar mid-measurement.
  const child: ChildProcess = fork('bench/emulator-child.ts', [], {
    execArgv: ['--import', 'tsx', '--expose-gc', '--no-memory-reducer'],
  });
  const pending = new Map<number, (value: unknown) => void>();
  let next = 0;
  const url = await new Promise<string>((resolve) =>
    child.on('message', (m: { type?: string; url?: string; id?: number; value?: unknown }) => {
      if (m.type === 'ready') resolve(m.url as string);
      else if (m.id !== undefined) pending.get(m.id)?.(m.value);
    }),
  );
  const call = <T>(type: string, extra: Record<string, unknown> = {}) =>
    new Promise<T>((resolve) => {
      const id = next++;
      pending.set(id, resolve as (value: unknown) => void);
      child.send({ id, type, ...extra });
    });
  return {
    url,
    pid: child.pid as number,
    call,
    counts: () => call('counts'),
    stop: async () => {
      await call('stop');
    },
  };
};

/** CPU seconds (user + system) and resident memory (MB) of a process, from /proc. */
const processStats = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 Hz)
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuS: ticks / 100, rssMb: rssKb / 1024 };
};

/** Wall time, and the sidecar process's CPU time and peak RSS (sampled every 20 ms), while `run` runs. */
const measure = async <T>(pid: number, run: () => Promise<T>) => {
  const before = processStats(pid);
  let peak = before.rssMb;
  const sampler = setInterval(() => {
    peak = Math.max(peak, processStats(pid).rssMb);
  }, 20);
  const started = performance.now();
  try {
    const value = await run();
    const after = processStats(pid);
    return {
      value,
      wallMs: performance.now() - started,
      cpuMs: (after.cpuS - before.cpuS) * 1000,
      peakRssMb: Math.max(peak, after.rssMb),
    };
  } finally {
    clearInterval(sampler);
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The compiled sidecar (what the container image runs) in its own process. */
const startSidecarProcess = async (env: Record<string, string>) => {
  // BENCH_SIDECAR_CPUS (e.g. "1", with the bench itself under `taskset -c 0`) gives the sidecar cores of
  // its own, to tell its latency apart from that of the processes it shares a machine with.
  const cpus = process.env.BENCH_SIDECAR_CPUS;
  const command = [process.execPath, ...SIDECAR_NODE_FLAGS, 'dist/sidecar/src/cli.js'];
  const child = spawn(cpus ? 'taskset' : (command[0] as string), cpus ? ['-c', cpus, ...command] : command.slice(1), {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => {
    output += String(c);
  });
  child.stderr.on('data', (c) => {
    output += String(c);
  });
  for (let i = 0; i < 600; i++) {
    const url = /OTP sidecar:\s+(http:\/\/\S+)/.exec(output)?.[1];
    if (url)
      return {
        url,
        pid: child.pid as number,
        stop: () =>
          new Promise((r) => {
            child.once('close', () => {
              // For profiling (e.g. BENCH_SIDECAR_NODE_FLAGS=--trace-gc): everything the sidecar printed.
              if (process.env.BENCH_SIDECAR_OUTPUT) writeFileSync(process.env.BENCH_SIDECAR_OUTPUT, output);
              r(undefined);
            });
            child.kill('SIGTERM');
          }),
      };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`the sidecar did not start: ${output}`);
};

/** The full sync's own calls: the user listing and credential reads (the event feed polls meanwhile). */
const syncCalls = (byRoute: Record<string, number>) =>
  Object.entries(byRoute)
    .filter(([route]) => /^GET \/admin\/realms\/[^/]+\/users(\/\{id\}\/credentials)?$/.test(route))
    .reduce((sum, [, n]) => sum + n, 0);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

const GROUPS = ['staff', 'researchers', 'students', 'visitors', 'it'];
const DEVICE_LABELS = ['Pixel 8', 'iPhone 15', 'oathtool laptop'];

/** ~40 % of users hold 1–3 devices (deterministic, so runs compare). */
const devicesOf = (i: number) => (i % 5 < 2 ? 1 + (i % 3) : 0);

const seedRealm = async (kc: KcAdminClient, realm: string, users: number) => {
  for (const name of GROUPS) await kc.groups.create({ realm, name });
  const chunk = 2000;
  for (let start = 0; start < users; start += chunk) {
    const batch = Array.from({ length: Math.min(chunk, users - start) }, (_, k) => {
      const i = start + k;
      const username = `user${String(i).padStart(6, '0')}`;
      return {
        username,
        email: `${username}@bench.example.org`,
        enabled: true,
        emailVerified: true,
        groups: [`/${GROUPS[i % GROUPS.length]}`],
        credentials: [
          { type: 'password', value: 'pw', temporary: false },
          ...Array.from({ length: devicesOf(i) }, (_, d) => otpCredential(DEVICE_LABELS[d] as string, SEED_SECRET)),
        ],
      };
    });
    await kc.realms.partialImport({ realm, rep: { ifResourceExists: 'FAIL', users: batch } as never });
  }
};

const bootstrap = async (kc: KcAdminClient, realm: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-realm-'));
  const policy = parse(readFileSync('realm-config/demo/realm.yaml', 'utf8'));
  policy.realm = realm;
  policy.smtp = { host: '127.0.0.1', port: 9, from: 'keycloak@bench.example.org' };
  // The helpdesk account the load test signs in with must not be asked to set up OTP first.
  policy.requiredActions.CONFIGURE_TOTP.defaultAction = false;
  writeFileSync(join(dir, 'realm.yaml'), stringify(policy));
  writeFileSync(
    join(dir, 'sidecar.yaml'),
    stringify({
      enforcement: { scope: 'all', deadline: '2099-01-01', reminders: { enabled: false } },
      devices: { notifyOwners: false },
      recovery: { rateLimit: { perIpPer15Minutes: 1_000_000, perAccountPerHour: 1_000_000 } },
    }),
  );
  await applyChanges(await planRealm(kc, loadRealmConfig(dir, { SIDECAR_CLIENT_SECRET: SECRET })));
  return dir;
};

/** What an admin script would do: list the users, then read each one's credentials, one at a time. */
const naiveBaseline = async (kc: KcAdminClient, realm: string, limit: number) => {
  let read = 0;
  let withOtp = 0;
  for (let first = 0; read < limit; first += 100) {
    const page = await kc.users.find({ realm, first, max: 100 });
    for (const user of page) {
      if (read >= limit) break;
      const credentials = await kc.users.getCredentials({ realm, id: user.id as string });
      if (credentials.some((c) => c.type === 'otp')) withOtp += 1;
      read += 1;
    }
    if (page.length < 100) break;
  }
  return { read, withOtp };
};

interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  statusCodes: Record<string, number>;
}

/** Runs bench/load.ts in its own process against the sidecar. */
const load = (plan: Record<string, unknown>) =>
  new Promise<LoadResult>((resolve, reject) => {
    const child = fork('bench/load.ts', [], { execArgv: ['--import', 'tsx'] });
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('error', reject);
    child.send({ durationS: 10, ...plan });
  });

const benchSize = async (users: number) => {
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
  const helper = await kc.users.create({
    realm,
    username: 'bench-helper',
    enabled: true,
    email: 'helper@bench.example.org',
    emailVerified: true,
    credentials: [{ type: 'password', value: 'helper-pw', temporary: false }],
  });
  const roles = await Promise.all(
    ['otp-helpdesk', 'otp-helpdesk-admin'].map((name) => kc.roles.findOneByName({ realm, name })),
  );
  await kc.users.addRealmRoleMappings({
    realm,
    id: helper.id,
    roles: roles.map((r) => ({ id: r?.id as string, name: r?.name as string })),
  });
  const holders = Array.from({ length: users }, (_, i) => i).filter((i) => devicesOf(i) > 0).length;
  console.log(`[${users}] seeded in ${seedS.toFixed(1)} s (${holders} users with OTP)`);

  await emulator.call('latency', { ms: LATENCY_MS });

  // The naive baseline, side by side.
  await emulator.call('reset');
  const baselineStarted = performance.now();
  const baselineRead = await naiveBaseline(kc, realm, Math.min(users, BASELINE_MAX));
  const baseline = { value: baselineRead, wallMs: performance.now() - baselineStarted };
  const baselineCalls = (await emulator.counts()).total;
  const baselineScale = users / baseline.value.read;
  console.log(`[${users}] naive baseline: ${baseline.value.read} users in ${(baseline.wallMs / 1000).toFixed(1)} s`);

  const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  const token = async () =>
    (
      (await (
        await fetch(`${emulator.url}/realms/${realm}/protocol/openid-connect/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'password',
            client_id: 'admin-cli',
            username: 'bench-helper',
            password: 'helper-pw',
          }),
        })
      ).json()) as { access_token: string }
    ).access_token;
  const api = async (path: string, method = 'GET') =>
    (
      await fetch(`${sidecar.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${await token()}` } })
    ).json();

  // The sidecar: its first pass at start (reconcile and full sync together), then each job alone.
  await emulator.call('reset');
  const spawned = performance.now();
  const sidecar = await startSidecarProcess({
    KEYCLOAK_URL: emulator.url,
    KEYCLOAK_REALM: realm,
    SIDECAR_CLIENT_SECRET: SECRET,
    REALM_CONFIG_DIR: dir,
    DATABASE_URL: postgres.url,
    LISTEN_HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    RECONCILE_INTERVAL_SECONDS: '86400',
    DEVICE_SYNC_INTERVAL_SECONDS: '86400',
    HELPDESK_TOKEN_CLIENTS: 'otp-helpdesk,admin-cli',
  });
  const firstPass = await measure(sidecar.pid, async () => {
    for (;;) {
      const [sync, reconciled] = await Promise.all([
        api('/sync') as Promise<{ lastCompletedAt?: string }>,
        fetch(`${sidecar.url}/metrics`).then((r) => r.text()),
      ]);
      if (sync.lastCompletedAt && /otp_sidecar_last_reconcile_timestamp_seconds [1-9]/.test(reconciled)) return;
      await sleep(100);
    }
  });
  const firstPassCalls = (await emulator.counts()).total;
  const firstPassWallS = (performance.now() - spawned) / 1000;

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

  // Incremental sync: device removals in Keycloak, paced, and the time until each shows in the mirror.
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

  // The helpdesk and recovery endpoints under load, served from the store.
  for (let i = 0; i < 500; i += 100)
    await db.query(
      `insert into audit_log (realm, actor_id, actor_username, action, target_user_id, target_username, reason, result)
       select $1, $2, 'bench-helper', 'remove-device', 'u' || n, 'user' || lpad(n::text, 6, '0'), 'benchmark audit row', 'ok'
       from generate_series($3::int, $4::int) n`,
      [realm, helper.id, i, i + 99],
    );
  const auth = { authorization: `Bearer ${await token()}` };
  const holderNames = Array.from({ length: users }, (_, i) => i)
    .filter((i) => devicesOf(i) > 0)
    .map((i) => `user${String(i).padStart(6, '0')}`);
  // Steady state before the load phases: the bulk writes above leave PostgreSQL's autovacuum busy for a
  // while on two shared cores; a running service's database is long past that.
  await db.query('vacuum analyze');
  await emulator.call('gc'); // likewise Keycloak's garbage of the phases above
  for (let i = 0; i < 100; i++) {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`,
    );
    if (!rows[0]?.n) break;
    await sleep(200);
  }
  // The floor of this machine: the same load on /healthz (no token, no database), so the lookup's
  // latency can be told apart from the load generator's and the scheduler's share of two cores.
  const floor = await load({ url: `${sidecar.url}/healthz`, rate: 500 });
  // Three 10 s runs: a 10 s run's p99 rests on its 50 slowest answers, which a stray pause on two shared
  // cores moves a lot; the run with the median p99 is reported, with the range.
  // With each run, the sidecar's own view (its /metrics): the longest event-loop delay and GC time, so a
  // slow tail can be told apart from time lost outside the process (other processes on the two cores).
  const sidecarView = async () => {
    const text = await (await fetch(`${sidecar.url}/metrics`)).text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
    return {
      loopDelayMaxMs: value(/^otp_sidecar_nodejs_eventloop_lag_max_seconds (\S+)/m) * 1000,
      gcSeconds: value(/^otp_sidecar_nodejs_gc_duration_seconds_sum\{kind="major"\} (\S+)/m),
    };
  };
  const lookupRuns: (LoadResult & { loopDelayMaxMs: number; majorGcMs: number; emulatorCpuMs: number })[] = [];
  const lookupLoad = {
    url: sidecar.url,
    rate: 500,
    headers: auth,
    paths: holderNames.map((name) => `/api/v1/users/${name}/devices`),
  };
  // A running service has served this route before: 2 s unmeasured first, so the runs do not time the
  // compiler warming up on it.
  await load({ ...lookupLoad, durationS: 2 });
  const lookup = await measure(sidecar.pid, async () => {
    for (let run = 0; run < 3; run++) {
      const before = await sidecarView();
      const emulatorBefore = processStats(emulator.pid).cpuS;
      const result = await load(lookupLoad);
      const after = await sidecarView();
      lookupRuns.push({
        ...result,
        loopDelayMaxMs: Math.round(after.loopDelayMaxMs),
        majorGcMs: Math.round((after.gcSeconds - before.gcSeconds) * 1000),
        // Keycloak's (the emulator's) CPU meanwhile: it shares the two cores in this benchmark only.
        emulatorCpuMs: Math.round((processStats(emulator.pid).cpuS - emulatorBefore) * 1000),
      });
    }
    console.log(`[${users}] lookup runs: ${JSON.stringify(lookupRuns.map(({ statusCodes, ...r }) => r))}`);
    const byP99 = [...lookupRuns].sort((a, b) => a.p99Ms - b.p99Ms);
    return { ...(byP99[1] as LoadResult), p99RangeMs: [byP99[0]?.p99Ms, byP99[2]?.p99Ms] };
  });
  const audit = await load({ url: `${sidecar.url}/api/v1/helpdesk/audit?max=100`, rate: 200, headers: auth });
  const recovery = await measure(sidecar.pid, () =>
    load({
      url: `${sidecar.url}/api/v1/recovery`,
      method: 'POST',
      rate: 200,
      headers: { 'content-type': 'application/json' },
      bodies: Array.from({ length: 5000 }, (_, i) => JSON.stringify({ identifier: `someone${i}@bench.example.org` })),
    }),
  );
  const peakOverall =
    Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${sidecar.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  await sidecar.stop();
  await db.end();
  await emulator.stop();
  await postgres.close();

  const baselineWall = baseline.wallMs * baselineScale;
  return {
    users,
    usersWithOtp: holders,
    latencyMs: LATENCY_MS,
    baseline: {
      usersRead: baseline.value.read,
      extrapolated: baselineScale > 1,
      adminCalls: Math.round(baselineCalls * baselineScale),
      wallS: baselineWall / 1000,
    },
    firstPass: {
      wallS: firstPassWallS,
      adminCalls: firstPassCalls,
      peakRssMb: firstPass.peakRssMb,
      cpuS: firstPass.cpuMs / 1000,
    },
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
      speedupVsBaseline: baselineWall / fullSync.wallMs,
      calls: fullSyncCounts.byRoute,
    },
    incremental: {
      changes: targets.length,
      seen: seenAt.size,
      lagP50Ms: percentile(lags, 50),
      lagP95Ms: percentile(lags, 95),
      wallS: incremental.wallMs / 1000,
    },
    httpFloor: floor,
    helpdeskLookup: { ...lookup.value, peakRssMb: lookup.peakRssMb },
    auditListing: audit,
    recovery: { ...recovery.value, peakRssMb: recovery.peakRssMb },
    sidecarPeakRssMb: peakOverall,
  };
};

const table = (results: Awaited<ReturnType<typeof benchSize>>[]) => {
  const rows: [string, (r: (typeof results)[number]) => string][] = [
    ['users (with OTP)', (r) => `${r.users} (${r.usersWithOtp})`],
    [
      'naive baseline: wall s (admin calls)',
      (r) => `${r.baseline.wallS.toFixed(1)}${r.baseline.extrapolated ? '*' : ''} (${r.baseline.adminCalls})`,
    ],
    [
      'full mirror sync: wall s (admin calls / bound)',
      (r) => `${r.fullSync.wallS.toFixed(1)} (${r.fullSync.adminCalls} / ${r.fullSync.bound})`,
    ],
    ['full sync speed-up vs baseline', (r) => `${r.fullSync.speedupVsBaseline.toFixed(1)}×`],
    ['full sync: CPU s, peak RSS MB', (r) => `${r.fullSync.cpuS.toFixed(1)}, ${r.fullSync.peakRssMb.toFixed(0)}`],
    [
      'reconcile, nothing to change: wall s (admin calls, writes)',
      (r) => `${r.reconcile.wallS.toFixed(1)} (${r.reconcile.adminCalls}, ${r.reconcile.adminWrites})`,
    ],
    ['reconcile: CPU s, peak RSS MB', (r) => `${r.reconcile.cpuS.toFixed(1)}, ${r.reconcile.peakRssMb.toFixed(0)}`],
    ['first pass at start: wall s (admin calls)', (r) => `${r.firstPass.wallS.toFixed(1)} (${r.firstPass.adminCalls})`],
    [
      'incremental: lag p50 / p95 ms (seen/changes)',
      (r) => `${r.incremental.lagP50Ms} / ${r.incremental.lagP95Ms} (${r.incremental.seen}/${r.incremental.changes})`,
    ],
    [
      'floor: /healthz @500 rps (no token, no database): p50 / p99 ms',
      (r) => (r.httpFloor ? `${r.httpFloor.p50Ms} / ${r.httpFloor.p99Ms}` : 'n/a'),
    ],
    [
      'helpdesk device lookup @500 rps, median of 3 runs (after 2 s unmeasured): rps, p50 / p99 ms (p99 range), status codes',
      (r) =>
        `${r.helpdeskLookup.rps}, ${r.helpdeskLookup.p50Ms} / ${r.helpdeskLookup.p99Ms} (${r.helpdeskLookup.p99RangeMs.join('–')}), ${JSON.stringify(r.helpdeskLookup.statusCodes)}`,
    ],
    [
      'audit listing @200 rps: rps, p50 / p99 ms',
      (r) => `${r.auditListing.rps}, ${r.auditListing.p50Ms} / ${r.auditListing.p99Ms}`,
    ],
    [
      'recovery @200 rps: rps, p50 / p99 ms, status codes',
      (r) => `${r.recovery.rps}, ${r.recovery.p50Ms} / ${r.recovery.p99Ms}, ${JSON.stringify(r.recovery.statusCodes)}`,
    ],
    ['sidecar process peak RSS MB (whole run)', (r) => r.sidecarPeakRssMb.toFixed(0)],
  ];
  return [
    `| measure | ${results.map((r) => `${r.users} users`).join(' | ')} |`,
    `| --- | ${results.map(() => '---').join(' | ')} |`,
    ...rows.map(([name, cell]) => `| ${name} | ${results.map(cell).join(' | ')} |`),
  ].join('\n');
};

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
