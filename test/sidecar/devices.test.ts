/**
 * The device mirror against a Keycloak under test: imported devices and devices set up on the login
 * pages appear, removals by an admin show within seconds with their reason, renames come in with a full
 * sync, an interrupted full sync resumes without duplicates or false removals, a retention gap asks for
 * a full sync, owners get exactly one email per change, and nothing secret reaches the store.
 */
import { generate } from 'otplib';
import { DeviceMirror } from '../../sidecar/src/devices/mirror.js';
import { EventFeed } from '../../sidecar/src/events/feed.js';
import { createLogger } from '../../sidecar/src/observability/logger.js';
import { describeEmulatorOnly } from '../support/keycloak.js';
import { accountConsoleLoginUrl, LoginRobot } from '../support/login-robot.js';
import { DISTANT_DEADLINE, helpdeskToken, sidecarConnection } from '../support/sidecar-realm.js';
import { kc, kut, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';
import { eventually } from '../support/wait.js';
import { deviceViews } from './device-views.js';

let token: string;

const createUser = (username: string, credentials: unknown[] = [], extra: Record<string, unknown> = {}) =>
  createTestUser(kc, target.realm, username, { credentials, extra });

const { api, devicesOf, deviceMails } = deviceViews(() => ({ sidecar, token, mail }));

useSidecarRealm({ enforcement: DISTANT_DEADLINE }, 'devices', {
  populate: async () => {
    await createUser('ann', [
      otpCredential('Pixel 8', SECRET_A, Date.UTC(2026, 0, 5)),
      otpCredential('oathtool laptop', SECRET_B),
    ]);
    await createUser('ben');
  },
});
beforeAll(async () => {
  token = await helpdeskToken(kc, kut, target.realm);
});

test('the first full sync mirrors existing devices without emailing anyone', async () => {
  const devices = await devicesOf('ann');
  expect(devices.map((d) => d.label).sort()).toEqual(['Pixel 8', 'oathtool laptop']);
  expect(devices.find((d) => d.label === 'Pixel 8')).toMatchObject({
    username: 'ann',
    email: 'ann@example.org',
    type: 'otp',
    createdAt: '2026-01-05T00:00:00.000Z',
    removedAt: null,
    firstSeenAt: expect.any(String),
    lastSeenAt: expect.any(String),
  });
  expect(deviceMails('ann@example.org')).toEqual([]);
  expect(await devicesOf('ben')).toEqual([]);
  const status = await api('/sync');
  expect(status.body).toMatchObject({ running: false, lastCompletedAt: expect.any(String) });
});

test('nothing secret is stored', async () => {
  const rows = await sidecar.db.query('select * from otp_devices');
  const dump = JSON.stringify(rows);
  expect(rows.length).toBeGreaterThanOrEqual(2);
  expect(dump).not.toContain(SECRET_A);
  expect(dump).not.toContain(SECRET_B);
  expect(Object.keys(rows[0] as object).sort()).toEqual(
    [
      'created_at',
      'credential_id',
      'email',
      'first_seen_at',
      'label',
      'last_seen_at',
      'owner_locale',
      'realm',
      'removed_at',
      'removed_reason',
      'type',
      'user_id',
      'username',
    ].sort(),
  );
});

test('a device set up on the login pages appears within seconds, and the owner gets one email', async () => {
  await createUser('cleo', [], { requiredActions: ['CONFIGURE_TOTP'] });
  // A person takes longer than this between getting an account and scanning a QR code; devices created
  // within moments of their account came with it and are not announced.
  await new Promise((r) => setTimeout(r, 300));
  const robot = new LoginRobot();
  await robot.open(accountConsoleLoginUrl(kut.baseUrl, target.realm));
  await robot.submit({ username: 'cleo', password: passwordOf('cleo') });
  await robot.follow('Unable to scan\\?');
  const secret = (robot.textOf('kc-totp-secret-key') ?? '').replaceAll(' ', '');
  expect(secret).toMatch(/^[A-Z2-7]+$/);
  await robot.submit({ totp: await generate({ secret }), userLabel: 'Galaxy S24' });

  const devices = await eventually(
    () => devicesOf('cleo'),
    (d) => d.length === 1,
  );
  expect(devices).toEqual([expect.objectContaining({ label: 'Galaxy S24', removedAt: null })]);
  const mails = await eventually(
    async () => deviceMails('cleo@example.org'),
    (m) => m.length > 0,
  );
  expect(mails.map((m) => m.subject)).toEqual([`A new authenticator was added to your ${target.realm} account`]);
  expect(mails[0]?.text).toContain('"Galaxy S24" was added');
  expect(mails[0]?.html).toContain('Galaxy S24');
});

test('a device an admin deletes shows as removed within seconds, with one email', async () => {
  const [ann] = await kc.users.find({ realm: target.realm, username: 'ann', exact: true });
  const credentials = await kc.users.getCredentials({ realm: target.realm, id: ann?.id as string });
  const laptop = credentials.find((c) => c.userLabel === 'oathtool laptop');
  await kc.users.deleteCredential({ realm: target.realm, id: ann?.id as string, credentialId: laptop?.id as string });

  const devices = await eventually(
    () => devicesOf('ann'),
    (d) => d.some((x) => x.removedAt),
  );
  expect(devices.map((d) => [d.label, d.removedAt ? d.removedReason : 'current'])).toEqual([
    ['Pixel 8', 'current'],
    ['oathtool laptop', 'removed by an administrator'],
  ]);
  const mails = await eventually(
    async () => deviceMails('ann@example.org'),
    (m) => m.length > 0,
  );
  expect(mails.map((m) => m.subject)).toEqual([`An authenticator was removed from your ${target.realm} account`]);
  // Further polls and a full sync send nothing more.
  await api('/sync', { method: 'POST' });
  await eventually(
    () => api('/sync'),
    (s) => s.body.running === false,
  );
  await new Promise((r) => setTimeout(r, 6_000));
  expect(deviceMails('ann@example.org')).toHaveLength(1);
});

test('a rename comes in with a full sync; the device list filters and exports', async () => {
  const [ann] = await kc.users.find({ realm: target.realm, username: 'ann', exact: true });
  const pixel = (await kc.users.getCredentials({ realm: target.realm, id: ann?.id as string })).find(
    (c) => c.userLabel === 'Pixel 8',
  );
  await kc.users.updateCredentialLabel(
    { realm: target.realm, id: ann?.id as string, credentialId: pixel?.id as string },
    'Pixel 8 (work)',
  );
  const started = await api('/sync', { method: 'POST' });
  expect(started.status).toBe(202);
  const devices = await eventually(
    () => devicesOf('ann'),
    (d) => d.some((x) => x.label === 'Pixel 8 (work)'),
  );
  expect(devices[0]).toMatchObject({ label: 'Pixel 8 (work)', removedAt: null });

  const byLabel = await api('/devices?label=pixel');
  expect(byLabel.body.devices.map((d: { label: string }) => d.label)).toEqual(['Pixel 8 (work)']);
  const removed = await api('/devices?removed=true');
  expect(removed.body.devices.map((d: { label: string }) => d.label)).toEqual(['oathtool laptop']);
  const csv = await api('/devices?format=csv');
  expect(String(csv.body).split('\r\n')[0]).toBe(
    'userId,username,email,label,createdAt,firstSeenAt,lastSeenAt,removedAt,removedReason',
  );
  expect(String(csv.body)).toContain('"Galaxy S24"');
  const bad = await api('/devices?createdFrom=yesterday');
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ error: 'bad_request' });
  const noToken = await fetch(`${sidecar.url}/api/v1/devices`);
  expect(noToken.status).toBe(401);
});

/** A second event feed on the sidecar's store that only notes why it would ask for a full sync. */
const feedNoting = (keycloak: ReturnType<typeof sidecarConnection>) => {
  const reasons: string[] = [];
  const feed = new EventFeed(keycloak, sidecar.db, {
    userCreated: async () => undefined,
    userChanged: async () => undefined,
    fullSyncNeeded: async (reason) => {
      reasons.push(reason);
    },
    resetRequested: async () => undefined,
    userActed: async () => undefined,
  });
  return { feed, reasons };
};

test('when the event cursor is behind the realm’s retention, the feed asks for a full sync', async () => {
  const keycloak = sidecarConnection(kut, target.realm);
  try {
    // The running sidecar keeps its cursor in memory; a second feed reads this one from the store.
    await sidecar.db.query(
      `insert into job_state (name, value) values ($1, $2)
       on conflict (name) do update set value = excluded.value`,
      [`event-cursor:${target.realm}`, JSON.stringify({ time: Date.now() - 40 * 86_400_000, seen: [] })],
    );
    const { feed, reasons } = feedNoting(keycloak);
    expect(await feed.poll()).toBe(0);
    expect(reasons).toEqual(['the event cursor fell behind the realm’s event retention']);
  } finally {
    await keycloak.close();
  }
});

test('when the realm’s user events are off, the feed asks for a full sync instead', async () => {
  const keycloak = sidecarConnection(kut, target.realm);
  const config = await kc.realms.getConfigEvents({ realm: target.realm });
  try {
    await kc.realms.updateConfigEvents({ realm: target.realm }, { ...config, eventsEnabled: false });
    const { feed, reasons } = feedNoting(keycloak);
    expect(await feed.poll()).toBe(0);
    expect(reasons).toEqual(['user events are disabled in the realm']);
  } finally {
    await kc.realms.updateConfigEvents({ realm: target.realm }, config);
    await keycloak.close();
  }
});

test('a second full sync while one runs is refused with 409', async () => {
  const [first, second] = await Promise.all([api('/sync', { method: 'POST' }), api('/sync', { method: 'POST' })]);
  expect([first.status, second.status].sort()).toEqual([202, 409]);
  expect([first.body, second.body]).toContainEqual({
    error: 'sync_running',
    message: 'A full sync is already running',
  });
  await eventually(
    () => api('/sync'),
    (s) => s.body.running === false,
  );
  const metrics = await (await fetch(`${sidecar.managementUrl}/metrics`)).text();
  expect(metrics).toMatch(/otp_sidecar_device_full_syncs_total\{reason="api"\} [1-9]/);
  expect(metrics).toMatch(/otp_sidecar_device_last_full_sync_timestamp_seconds \d/);
});

// Emulator only: a full sync is interrupted by a fault the emulator injects on one call.
describeEmulatorOnly('an interrupted full sync', () => {
  test('resumes where it stopped, without duplicates or false removals', async () => {
    for (let i = 0; i < 30; i++)
      await createUser(`bulk${String(i).padStart(2, '0')}`, [otpCredential(`Phone ${i}`, SECRET_A)]);
    // Let the running sidecar's event feed finish with these users first: its reads would take the fault.
    await eventually(
      () => sidecar.db.query<{ n: number }>("select count(*)::int as n from otp_devices where username like 'bulk%'"),
      (rows) => rows[0]?.n === 30,
    );
    const keycloak = sidecarConnection(kut, target.realm, { retries: 0, circuitThreshold: 1000 });
    const mirrorOptions = {
      keycloak,
      db: sidecar.db,
      logger: createLogger('silent'),
      notify: true,
      realmDisplayName: target.realm,
      accountUrl: 'http://example.org/account',
      pageSize: 10,
    };
    const mirror = new DeviceMirror(mirrorOptions);
    const faults = kut.emulator?.faults;
    let reads = 0;
    const failing = sidecarConnection(kut, target.realm, {
      retries: 0,
      circuitThreshold: 1000,
      // After 15 credential reads (the second page), the next one fails: the sync stops part way.
      onCall: (operation) => {
        if (operation === 'getCredentials' && ++reads === 15)
          faults?.add({ match: /^GET \/admin\/realms\/[^/]+\/users\/[^/]+\/credentials$/, status: 503, times: 1 });
      },
    });
    const interruptedMirror = new DeviceMirror({ ...mirrorOptions, keycloak: failing });
    try {
      await expect(interruptedMirror.fullSync()).rejects.toThrow();
      const interrupted = await mirror.state();
      expect(interrupted.running?.offset).toBe(10);
      faults?.clear();
      const before = await sidecar.db.query<{ n: number }>('select count(*)::int as n from otp_devices');
      const result = await mirror.fullSync();
      expect(result.resumed).toBe(true);
      const rows = await sidecar.db.query<{ credential_id: string; removed_at: Date | null; label: string }>(
        'select credential_id, removed_at, label from otp_devices',
      );
      expect(new Set(rows.map((r) => r.credential_id)).size).toBe(rows.length);
      expect(rows.length).toBeGreaterThanOrEqual(before[0]?.n ?? 0);
      const bulk = rows.filter((r) => r.label.startsWith('Phone '));
      expect(bulk).toHaveLength(30);
      expect(bulk.filter((r) => r.removed_at)).toEqual([]);
      expect((await mirror.state()).running).toBeUndefined();
    } finally {
      faults?.clear();
      await Promise.all([keycloak.close(), failing.close()]);
    }
  });
});
