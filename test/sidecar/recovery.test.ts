/**
 * Lost-phone recovery through the real HTTP API: the same answer whether or not an account exists, rate
 * limits per resolved account (silent) and per IP, both in the store, no link to an unverified address, and
 * the swap — the link followed in Chromium with a new QR scan, then a fresh sign-in at /recovery/complete with
 * the password and the new phone: the old device is removed, the owner told, the other sessions ended and
 * the completing one kept. Keycloak's own "Forgot password?" at the default level resets passwords only.
 */
import type { Browser } from 'playwright-core';
import type { Sidecar } from '../../sidecar/src/main.js';
import { codeFor, launchBrowser, saveScreenshot } from '../support/browser.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import { accountConsoleLoginUrl, LoginRobot } from '../support/login-robot.js';
import { completeRecovery, followRecoveryLink, recoveryEmailTo } from '../support/recovery.js';
import { bootstrapRealm, DISTANT_DEADLINE, startTestSidecar, type TestRealm } from '../support/sidecar-realm.js';
import { linkIn, type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';
import { eventually } from '../support/wait.js';

let kut: KeycloakUnderTest;
let kc: Awaited<ReturnType<typeof masterAdminClient>>;
let mail: MailCatcher;
let browser: Browser;
let target: TestRealm;
let sidecar: Sidecar;
const PER_IP = 60;

const recover = async (identifier: string, headers: Record<string, string> = {}, url = sidecar.url) => {
  const started = performance.now();
  const response = await fetch(`${url}/api/v1/recovery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ identifier }),
  });
  return { status: response.status, body: await response.text(), ms: performance.now() - started };
};

const otpDevices = async (userId: string) =>
  (await kc.users.getCredentials({ realm: target.realm, id: userId })).filter((c) => c.type === 'otp');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

beforeAll(async () => {
  [kut, mail, browser] = await Promise.all([startKeycloakUnderTest(), startMailCatcher(), launchBrowser()]);
  kc = await masterAdminClient(kut);
  target = await bootstrapRealm(
    kc,
    mail,
    {
      enforcement: DISTANT_DEADLINE,
      recovery: { rateLimit: { perIpPer15Minutes: PER_IP, perAccountPerHour: 3 } },
    },
    'recovery',
  );
  sidecar = await startTestSidecar(kut, mail, target);
  await sidecar.firstPass;
});
afterAll(async () => {
  await sidecar?.close();
  await Promise.all([browser?.close(), mail?.close(), kut?.close()]);
});

describe('no user enumeration', () => {
  test('the same status, body and time for accounts that exist and that do not', async () => {
    for (let i = 0; i < 15; i++) await createTestUser(kc, target.realm, `exists${i}`);
    const known: Awaited<ReturnType<typeof recover>>[] = [];
    const unknown: Awaited<ReturnType<typeof recover>>[] = [];
    for (let i = 0; i < 15; i++) {
      known.push(await recover(`exists${i}`));
      unknown.push(await recover(`nobody-${i}-${Date.now()}`));
    }
    for (const r of [...known, ...unknown]) expect([r.status, r.body]).toEqual([known[0]?.status, known[0]?.body]);
    expect(known[0]?.status).toBe(202);
    expect(JSON.parse(known[0]?.body ?? '{}')).toEqual({
      status: 'accepted',
      message: 'If an account matches, an email with a recovery link is on its way. It is valid for a limited time.',
    });
    const difference = Math.abs(median(known.map((r) => r.ms)) - median(unknown.map((r) => r.ms)));
    expect(difference).toBeLessThan(15);
    // The emails do go out, for the existing accounts only.
    await mail.waitFor((m) => m.to.includes('exists14@example.org'));
    expect(mail.messages.filter((m) => m.to.some((t) => t.startsWith('nobody-')))).toEqual([]);
  });

  test('bad input is a 400 with a JSON body', async () => {
    const response = await fetch(`${sidecar.url}/api/v1/recovery`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 42 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'bad_request' });
  });
});

describe('rate limits', () => {
  test('per account, silently: the same 202, but no more than 3 links an hour, by username or email alike', async () => {
    await createTestUser(kc, target.realm, 'asks-a-lot');
    const results = [];
    for (const identifier of ['asks-a-lot', 'ASKS-A-LOT', 'asks-a-lot@example.org', 'asks-a-lot'])
      results.push((await recover(identifier)).status);
    expect(results).toEqual([202, 202, 202, 202]);
    // A later request for someone else is handled after these (one queue): its email marks the point.
    await createTestUser(kc, target.realm, 'marker');
    await recover('marker');
    await mail.waitFor((m) => m.to.includes('marker@example.org'));
    expect(mail.messages.filter((m) => m.to.includes('asks-a-lot@example.org'))).toHaveLength(3);
    const [count] = await sidecar.db.query<{ n: number }>(
      "select count(*)::int as n from recovery_rate_hits where key like 'account:%'",
    );
    expect(count?.n).toBeGreaterThan(0); // kept in the store, where every replica counts
  });

  test('no link to an unverified address', async () => {
    await createTestUser(kc, target.realm, 'unverified', { extra: { emailVerified: false } });
    await recover('unverified');
    await createTestUser(kc, target.realm, 'marker2');
    await recover('marker2');
    await mail.waitFor((m) => m.to.includes('marker2@example.org'));
    expect(mail.messages.filter((m) => m.to.includes('unverified@example.org'))).toEqual([]);
  });

  test('per client IP; a forged X-Forwarded-For does not make a new client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP; i++)
      statuses.push((await recover(`spray-${i}`, { 'x-forwarded-for': `198.51.100.${i % 250}` })).status);
    expect(statuses).toContain(429);
    const limited = await recover('one-more', { 'x-forwarded-for': '192.0.2.77' });
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body)).toEqual({
      error: 'too_many_requests',
      message: 'Too many recovery requests; try again later',
    });
  });

  test('behind a trusted proxy (TRUST_PROXY) each forwarded client has a limit of its own', async () => {
    const proxied = await startTestSidecar(kut, mail, target, { TRUST_PROXY: 'loopback' });
    try {
      const from = (address: string, i: number) =>
        recover(`proxied-${address}-${i}`, { 'x-forwarded-for': address }, proxied.url).then((r) => r.status);
      const first: number[] = [];
      for (let i = 0; i <= PER_IP; i++) first.push(await from('203.0.113.1', i));
      expect(first.slice(0, PER_IP).every((status) => status === 202)).toBe(true);
      expect(first[PER_IP]).toBe(429);
      expect(await from('203.0.113.2', 0)).toBe(202);
    } finally {
      await proxied.close();
    }
  });
});

describe('the swap', () => {
  test('the link, a new phone, then a sign-in with password and new code: the old device goes, this session stays', async () => {
    // A fresh sidecar on a fresh store: the per-IP limit of the tests above is spent.
    await sidecar.close();
    sidecar = await startTestSidecar(kut, mail, target);
    await sidecar.firstPass;
    const id = await createTestUser(kc, target.realm, 'lena', { credentials: [otpCredential('Lost phone', SECRET_A)] });
    await sidecar.mirror.syncUser(id);
    // A session the user left open elsewhere (e.g. on the lost phone's browser): it ends with the recovery.
    const elsewhere = await passwordGrantSession('lena', passwordOf('lena'), await codeFor({ secret: SECRET_A }));
    expect((await recover('lena@example.org')).status).toBe(202);
    // Nothing is removed at request time.
    expect((await otpDevices(id)).map((d) => d.userLabel)).toEqual(['Lost phone']);

    const email = await recoveryEmailTo(mail, 'lena@example.org');
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const entry = await followRecoveryLink(page, linkIn(email), 'New phone');
      // The link's device waits for proof: both devices are there, nothing retired yet.
      await eventually(
        () =>
          sidecar.db.query('select 1 from recovery_requests where user_id = $1 and pending_credential_id is not null', [
            id,
          ]),
        (rows) => rows.length === 1,
      );
      expect((await otpDevices(id)).map((d) => d.userLabel).sort()).toEqual(['Lost phone', 'New phone']);
      expect(await completeRecovery(page, sidecar.url, 'lena', passwordOf('lena'), entry, 'New phone')).toBe(
        'Recovery complete',
      );
      expect((await otpDevices(id)).map((d) => d.userLabel)).toEqual(['New phone']);
      // The session that completed the recovery is kept; the other one has ended.
      const sessions = (await kc.users.listSessions({ realm: target.realm, id })).map((s) => s.id);
      expect(sessions).toHaveLength(1);
      expect(sessions).not.toContain(elsewhere);
    } finally {
      await saveScreenshot(page, 'recovery swap').catch(() => undefined);
      await context.close();
    }
    const mirrored = await eventually(
      () =>
        sidecar.db.query<{ label: string; removed_reason: string | null }>(
          'select label, removed_reason from otp_devices where user_id = $1 order by label',
          [id],
        ),
      (rows) => rows.length === 2 && rows.some((r) => r.removed_reason === 'retired after recovery'),
    );
    expect(mirrored).toEqual([
      { label: 'Lost phone', removed_reason: 'retired after recovery' },
      { label: 'New phone', removed_reason: null },
    ]);
    const told = await mail.waitFor(
      (m) => m.to.includes('lena@example.org') && m.subject.startsWith('Your old authenticators were removed'),
    );
    expect(told.text).toContain('"Lost phone"');
  }, 90_000);

  test('Keycloak’s own "Forgot password?" resets the password only: the old device stays', async () => {
    const id = await createTestUser(kc, target.realm, 'milo', { credentials: [otpCredential('Old phone', SECRET_B)] });
    await sidecar.mirror.syncUser(id);
    const robot = new LoginRobot();
    await robot.open(accountConsoleLoginUrl(kut.baseUrl, target.realm));
    await robot.follow('Forgot Password\\?');
    await robot.submit({ username: 'milo' });
    const email = await mail.waitFor((m) => m.to.includes('milo@example.org') && m.subject === 'Reset password');
    await robot.open(linkIn(email));
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await otpDevices(id)).map((d) => d.userLabel)).toEqual(['Old phone']);
    const [open] = await sidecar.db.query<{ n: number }>(
      'select count(*)::int as n from recovery_requests where user_id = $1 and completed_at is not null',
      [id],
    );
    expect(open?.n).toBe(0);
  }, 60_000);
});

/** Signs in by the password grant with an OTP code (a session elsewhere); returns its session id. */
const passwordGrantSession = async (username: string, password: string, totp: string) => {
  const response = await fetch(`${kut.baseUrl}/realms/${target.realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username, password, totp }),
  });
  return ((await response.json()) as { session_state: string }).session_state;
};
