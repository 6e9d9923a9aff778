/**
 * Lost-phone recovery through the real HTTP API: the same answer whether or not an account exists, rate
 * limits per identifier and per IP, and the swap — the recovery email's link followed in Chromium with a
 * new QR scan ends with the new device present and the old one removed, the owner told; Keycloak's own
 * "Forgot password?" path ends the same way.
 */
import type { Browser } from 'playwright-core';
import type { Sidecar } from '../../sidecar/src/main.js';
import { codeFor, launchBrowser, saveScreenshot } from '../support/browser.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { accountConsoleLoginUrl, LoginRobot } from '../support/login-robot.js';
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
      // The seeds' journey (Keycloak's "Forgot password?" leads to a new device): the email-only level.
      recovery: { level: 'email-only', rateLimit: { perIpPer15Minutes: PER_IP, perAccountPerHour: 3 } },
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
  test('per identifier, whether or not the account exists', async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await recover('someone-who-asks-a-lot')).status);
    expect(results).toEqual([202, 202, 202, 429]);
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
  test('the recovery link, a new password and a new QR scan: the new device stays, the old one goes', async () => {
    // A fresh sidecar: the rate limits of the tests above are spent.
    await sidecar.close();
    sidecar = await startTestSidecar(kut, mail, target);
    await sidecar.firstPass;
    const id = await createTestUser(kc, target.realm, 'lena', { credentials: [otpCredential('Lost phone', SECRET_A)] });
    await sidecar.mirror.syncUser(id);
    expect((await recover('lena@example.org')).status).toBe(202);
    // Nothing is removed at request time.
    expect((await otpDevices(id)).map((d) => d.userLabel)).toEqual(['Lost phone']);

    const email = await mail.waitFor((m) => m.to.includes('lena@example.org') && m.subject === 'Update Your Account');
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const kcPages = new KeycloakPages(page);
      await kcPages.openEmailLink(linkIn(email));
      // Required actions run in the realm's priority order: CONFIGURE_TOTP (10), then UPDATE_PASSWORD (30).
      const entry = await kcPages.scanOtpQrCode();
      await kcPages.submitOtpSetup(await codeFor(entry), 'New phone');
      await kcPages.updatePassword('lena-new-password');
      await kcPages.waitForText('Your account has been updated.');
    } finally {
      await saveScreenshot(page, 'recovery swap').catch(() => undefined);
      await context.close();
    }
    const devices = await eventually(
      () => otpDevices(id),
      (d) => d.length === 1 && d[0]?.userLabel === 'New phone',
    );
    expect(devices.map((d) => d.userLabel)).toEqual(['New phone']);
    const mirrored = await eventually(
      () =>
        sidecar.db.query<{ label: string; removed_reason: string | null }>(
          'select label, removed_reason from otp_devices where user_id = $1 order by label',
          [id],
        ),
      (rows) => rows.some((r) => r.removed_reason === 'retired after recovery'),
    );
    expect(mirrored).toEqual([
      { label: 'Lost phone', removed_reason: 'retired after recovery' },
      { label: 'New phone', removed_reason: null },
    ]);
    const told = await mail.waitFor(
      (m) => m.to.includes('lena@example.org') && m.subject.startsWith('Your old authenticators were removed'),
    );
    expect(told.text).toContain('"Lost phone"');
  }, 60_000);

  test('Keycloak’s own "Forgot password?" ends the same way', async () => {
    const id = await createTestUser(kc, target.realm, 'milo', { credentials: [otpCredential('Old phone', SECRET_B)] });
    await sidecar.mirror.syncUser(id);
    const robot = new LoginRobot();
    await robot.open(accountConsoleLoginUrl(kut.baseUrl, target.realm));
    await robot.follow('Forgot Password\\?');
    await robot.submit({ username: 'milo' });
    const email = await mail.waitFor((m) => m.to.includes('milo@example.org') && m.subject === 'Reset password');
    // Let the sidecar see the reset request before the new device exists, as it would in real life.
    await new Promise((r) => setTimeout(r, 2_000));
    await robot.open(linkIn(email));
    expect((await otpDevices(id)).map((d) => d.userLabel)).toEqual(['Old phone']); // kept until the new one works
    await robot.follow('Unable to scan\\?');
    const secret = (robot.textOf('kc-totp-secret-key') ?? '').replaceAll(' ', '');
    await robot.submit({ totp: await codeFor({ secret }), userLabel: 'Replacement' });
    await robot.submit({ 'password-new': 'milo-new-password', 'password-confirm': 'milo-new-password' });
    const devices = await eventually(
      () => otpDevices(id),
      (d) => d.length === 1,
    );
    expect(devices.map((d) => d.userLabel)).toEqual(['Replacement']);
    // The new password works, the old one no longer does.
    const token = async (password: string) =>
      (
        await fetch(`${kut.baseUrl}/realms/${target.realm}/protocol/openid-connect/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'milo', password }),
        })
      ).status;
    expect([await token('milo-new-password'), await token(passwordOf('milo'))]).toEqual([200, 401]);
  }, 60_000);
});
