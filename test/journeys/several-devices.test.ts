/**
 * Journey 4 — several devices and a command-line authenticator. A user with a phone adds a second
 * device from the application ("set up another authenticator", Keycloak's kc_action=CONFIGURE_TOTP): the
 * key is read off the "Unable to scan?" page and its codes come from a command-line TOTP tool run as a
 * separate process, as `oathtool --totp -b SECRET` would. Both devices are mirrored, the owner is told of
 * the new one, and either device signs the user in, picked on Keycloak's device chooser.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { codeFor } from '../support/browser.js';
import { jsonCall } from '../support/http-json.js';
import { type Journey, signedIn, signInWithPassword, startJourney, step } from '../support/journey.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { DISTANT_DEADLINE, helpdeskToken } from '../support/sidecar-realm.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';
import { eventually } from '../support/wait.js';

const run = promisify(execFile);

/** The command-line authenticator: a separate process printing the code of a base32 secret. */
const oathtool = async (secret: string, epochSeconds?: number) =>
  (
    await run(process.execPath, [
      '--import',
      'tsx',
      'test/support/totp-cli.ts',
      '--totp',
      '-b',
      secret,
      ...(epochSeconds ? ['--now', String(epochSeconds)] : []),
    ])
  ).stdout.trim();

let journey: Journey;
let token: string;
let laptopSecret = '';

beforeAll(async () => {
  journey = await startJourney('several-devices', { policy: { enforcement: DISTANT_DEADLINE } });
  const id = await createTestUser(journey.kc, journey.target.realm, 'kai', {
    credentials: [otpCredential('Phone', SECRET_A)],
  });
  await journey.sidecar.mirror.syncUser(id);
  token = await helpdeskToken(journey.kc, journey.kut, journey.target.realm);
});

afterAll(() => journey?.close());

const withPage = async (name: string, fn: (page: Page) => Promise<void>) => {
  const context = await journey.browser.newContext();
  const page = await context.newPage();
  try {
    await step(journey, [page], name, () => fn(page));
  } finally {
    await context.close();
  }
};

test('the command-line tool prints codes like an authenticator app', async () => {
  expect(await oathtool(SECRET_A, 59)).toBe(await codeFor({ secret: SECRET_A }, 59));
  await expect(run(process.execPath, ['--import', 'tsx', 'test/support/totp-cli.ts'])).rejects.toMatchObject({
    code: 2,
  });
});

test('a second device set up from the application, with codes from the command line', async () => {
  await withPage('add-device', async (page) => {
    await page.goto(`${journey.app.authorizeUrl()}&kc_action=CONFIGURE_TOTP`);
    const kcPages = new KeycloakPages(page);
    await kcPages.signIn('kai', passwordOf('kai'));
    await kcPages.enterOtp(await codeFor({ secret: SECRET_A }));
    await page.waitForSelector('#kc-totp-secret-qr-code');
    laptopSecret = await kcPages.readOtpSecret();
    expect(laptopSecret).toMatch(/^[A-Z2-7]{32}$/);
    // With a device already there, the new one must be named.
    await kcPages.submitOtpSetup(await oathtool(laptopSecret));
    expect(await kcPages.errorOf('otp-label')).toBe('Please specify device name.');
    await kcPages.submitOtpSetup(await oathtool(laptopSecret), 'oathtool laptop');
    await signedIn(page);
    expect(new URL(page.url()).searchParams.get('kc_action_status')).toBe('success');
  });

  const devices = await eventually(
    async () => (await jsonCall(`${journey.sidecar.url}/api/v1/users/kai/devices`, { token })).body.devices,
    (d: { label: string }[]) => d.length === 2,
  );
  expect(devices.map((d: { label: string; removedAt?: string | null }) => [d.label, d.removedAt]).sort()).toEqual([
    ['Phone', null],
    ['oathtool laptop', null],
  ]);
  const notice = await journey.mail.waitFor(
    (m) => m.to.includes('kai@example.org') && m.subject.startsWith('A new authenticator was added'),
  );
  expect(notice.text).toContain('"oathtool laptop"');
  expect(notice.text).not.toContain(laptopSecret);
}, 60_000);

const signInWith = (device: string, code: () => Promise<string>) =>
  withPage(`sign-in-${device}`, async (page) => {
    const kcPages = await signInWithPassword(journey, page, 'kai', passwordOf('kai'));
    expect(await kcPages.devices()).toEqual(expect.arrayContaining(['Phone', 'oathtool laptop']));
    await kcPages.chooseDevice(device);
    await kcPages.enterOtp(await code());
    await signedIn(page);
  });

// The current step's codes were spent above; the look-around window of 1 takes the next one.
const nextStep = () => Math.floor(Date.now() / 1000) + 30;

test('either device signs the user in', async () => {
  await signInWith('oathtool laptop', () => oathtool(laptopSecret, nextStep()));
  await signInWith('Phone', () => codeFor({ secret: SECRET_A }, nextStep()));
}, 60_000);

test('a code from the other device is refused for the chosen one', async () => {
  await withPage('wrong-device', async (page) => {
    const kcPages = await signInWithPassword(journey, page, 'kai', passwordOf('kai'));
    await kcPages.chooseDevice('Phone');
    await kcPages.enterOtp(await oathtool(laptopSecret));
    expect(await kcPages.errorOf('otp')).toBe('Invalid authenticator code.');
  });
});

const devicesOf = async (username: string) =>
  (await jsonCall(`${journey.sidecar.url}/api/v1/users/${username}/devices`, { token })).body.devices as {
    label: string;
    removedAt?: string | null;
  }[];

test('devices added and deleted with the application-initiated actions are mirrored, removal included', async () => {
  const id = await createTestUser(journey.kc, journey.target.realm, 'lena', {
    credentials: [otpCredential('Old phone', SECRET_B)],
  });
  await journey.sidecar.mirror.syncUser(id);
  const context = await journey.browser.newContext();
  const page = await context.newPage();
  try {
    await step(journey, [page], 'add-then-delete', async () => {
      // "Set up authenticator application": sign in, then add a second device.
      await page.goto(`${journey.app.authorizeUrl()}&kc_action=CONFIGURE_TOTP`);
      await page.fill('#username', 'lena');
      await page.fill('#password', passwordOf('lena'));
      await page.click('#kc-login');
      await page.fill('#otp', await codeFor({ secret: SECRET_B }));
      await page.click('#kc-login');
      await page.click('text=Unable to scan?');
      const secret = ((await page.textContent('#kc-totp-secret-key')) ?? '').replaceAll(/\s/g, '');
      await page.fill('#totp', await codeFor({ secret }));
      await page.fill('#userLabel', 'New phone');
      await page.click('#saveTOTPBtn');
      await signedIn(page);
      expect(new URL(page.url()).searchParams.get('kc_action_status')).toBe('success');
      // "Delete" on the old one: the signed-in user confirms, no new sign-in within max_auth_age.
      const credentials = await journey.kc.users.getCredentials({ realm: journey.target.realm, id });
      const old = credentials.find((c) => c.userLabel === 'Old phone');
      await page.goto(`${journey.app.authorizeUrl()}&kc_action=delete_credential:${old?.id}`);
      await page.click('#kc-accept');
      await signedIn(page);
      expect(new URL(page.url()).searchParams.get('kc_action_status')).toBe('success');
    });
  } finally {
    await context.close();
  }
  const devices = await eventually(
    () => devicesOf('lena'),
    (d) => d.length === 2 && d.some((x) => x.removedAt),
  );
  expect(devices.map((d) => [d.label, Boolean(d.removedAt)]).sort()).toEqual([
    ['New phone', false],
    ['Old phone', true],
  ]);
}, 60_000);
