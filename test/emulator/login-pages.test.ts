/**
 * The login pages in a real browser: a person with a phone signs in, sets up OTP by scanning the QR
 * code off the screen, picks one of several devices, recovers with "Forgot Password?" by email, and
 * gets locked out after too many wrong codes. Checked through the pages, the emails and the admin API.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  type AuthenticatorEntry,
  codeFor,
  launchBrowser,
  parseKeyUri,
  saveScreenshot,
  scanQrCode,
  textOf,
} from '../support/browser.js';
import {
  createTestRealm,
  type KeycloakUnderTest,
  masterAdminClient,
  startKeycloakUnderTest,
} from '../support/keycloak.js';
import { type RelyingParty, startRelyingParty } from '../support/oidc-app.js';
import { linkIn, type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { createTestUser, otpCredential, SECRET_A, SECRET_B } from '../support/users.js';

let kut: KeycloakUnderTest;
let kc: Awaited<ReturnType<typeof masterAdminClient>>;
let browser: Browser;
let mail: MailCatcher;
let realm: string;
let app: RelyingParty;
let context: BrowserContext;
let page: Page;

const BASE32_SECRET_A = SECRET_A;
const BASE32_SECRET_B = SECRET_B;

const createUser = (username: string, extra: Record<string, unknown> = {}) =>
  createTestUser(kc, realm, username, { extra });

const otpDevices = async (userId: string) =>
  (await kc.users.getCredentials({ realm, id: userId })).filter((c) => c.type === 'otp');

const signIn = async (username: string, password = `${username}-password`) => {
  await page.goto(app.authorizeUrl());
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#kc-login');
};

/** Sets up OTP on the setup page like a person with a phone: scan, type the code and a device name. */
const setUpAuthenticator = async (deviceName: string): Promise<AuthenticatorEntry> => {
  await page.waitForSelector('#kc-totp-secret-qr-code');
  const entry = parseKeyUri(await scanQrCode(page));
  await page.fill('#totp', await codeFor(entry));
  await page.fill('#userLabel', deviceName);
  await page.click('#saveTOTPBtn');
  return entry;
};

const setNewPassword = async (password: string) => {
  expect(await textOf(page, '#kc-page-title')).toBe('Update password');
  await page.fill('#password-new', password);
  await page.fill('#password-confirm', password);
  await page.click('#kc-submit');
};

const expectSignedIn = async () => {
  await page.waitForSelector('#app');
  const callback = app.callbacks.at(-1);
  expect(callback?.get('code')).toEqual(expect.any(String));
  const tokens = await app.exchange(callback?.get('code') as string);
  expect(tokens.status).toBe(200);
  return tokens.json;
};

/** Codes an authenticator shows in the next time step, so a test never reuses the step it just used. */
const nextStepCode = (entry: Pick<AuthenticatorEntry, 'secret'> & Partial<AuthenticatorEntry>) =>
  codeFor(entry, Math.floor(Date.now() / 1000) + 30);

beforeAll(async () => {
  [kut, browser, mail] = await Promise.all([startKeycloakUnderTest(), launchBrowser(), startMailCatcher()]);
  kc = await masterAdminClient(kut);
  realm = await createTestRealm(kc, 'pages', {
    displayName: 'Pages Lab',
    resetPasswordAllowed: true,
    smtpServer: {
      host: mail.host,
      port: String(mail.port),
      from: 'keycloak@example.org',
      fromDisplayName: 'Pages Lab',
    },
    eventsEnabled: true,
  });
  app = await startRelyingParty(kut.baseUrl, realm, 'webapp');
  await kc.clients.create({
    realm,
    clientId: 'webapp',
    publicClient: true,
    redirectUris: [app.redirectUri],
    standardFlowEnabled: true,
  });
});

beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
});

afterEach(async () => {
  const state = expect.getState();
  if (state.currentTestName) await saveScreenshot(page, `login-pages ${state.currentTestName}`).catch(() => undefined);
  await context.close();
});

afterAll(async () => {
  await Promise.all([browser?.close(), mail?.close(), app?.close()]);
  await kut?.close();
});

describe('sign in', () => {
  test('with a password, through the authorization code flow with PKCE', async () => {
    await createUser('paula');
    await signIn('paula', 'wrong');
    expect(await textOf(page, '.kc-feedback-text')).toBe('Invalid username or password.');
    await page.fill('#password', 'paula-password');
    await page.click('#kc-login');
    const tokens = await expectSignedIn();
    expect(tokens.id_token).toEqual(expect.any(String));
    const events = await kc.realms.findEvents({ realm, type: ['LOGIN', 'LOGIN_ERROR'] });
    expect(events.map((e) => e.type).slice(0, 2)).toEqual(['LOGIN', 'LOGIN_ERROR']);
  });

  test('first login with CONFIGURE_TOTP: QR code, a wrong code, then the device is saved', async () => {
    const id = await createUser('quinn', { requiredActions: ['CONFIGURE_TOTP'] });
    await signIn('quinn');
    await page.waitForSelector('#kc-totp-secret-qr-code');
    expect(await textOf(page, '#kc-page-title')).toBe('Mobile Authenticator Setup');
    const entry = parseKeyUri(await scanQrCode(page));
    expect(entry).toMatchObject({ issuer: 'Pages Lab', account: 'quinn', digits: 6, period: 30, algorithm: 'sha1' });

    await page.fill('#totp', '000000');
    await page.fill('#userLabel', 'Pixel 8');
    await page.click('#saveTOTPBtn');
    expect(await textOf(page, '#input-error-otp-code')).toBe('Invalid authenticator code.');

    await page.fill('#totp', '');
    await page.click('#saveTOTPBtn');
    expect(await textOf(page, '#input-error-otp-code')).toBe('Please specify authenticator code.');

    await page.fill('#totp', await codeFor(entry));
    await page.fill('#userLabel', 'Pixel 8');
    await page.click('#saveTOTPBtn');
    await expectSignedIn();
    expect(await otpDevices(id)).toEqual([expect.objectContaining({ userLabel: 'Pixel 8' })]);
    const user = await kc.users.findOne({ realm, id });
    expect(user?.requiredActions).toEqual([]);
    expect(user?.totp).toBe(true);
    const [event] = await kc.realms.findEvents({ realm, type: 'UPDATE_CREDENTIAL', user: id });
    expect(event?.details).toMatchObject({ credential_type: 'otp' });

    // Next sign-in asks for a code from that device.
    await context.clearCookies();
    await signIn('quinn');
    await page.fill('#otp', await nextStepCode(entry));
    await page.click('#kc-login');
    await expectSignedIn();
  });

  test('the manual mode shows the secret grouped by four with the policy', async () => {
    await createUser('manny', { requiredActions: ['CONFIGURE_TOTP'] });
    await signIn('manny');
    await page.click('#mode-manual');
    const secret = (await page.locator('#kc-totp-secret-key').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    expect(await textOf(page, '#kc-totp-algorithm')).toBe('Algorithm: SHA1');
    await page.fill('#totp', await codeFor({ secret: secret.replaceAll(' ', '') }));
    await page.click('#saveTOTPBtn');
    await expectSignedIn();
  });

  test('a second device needs a device name', async () => {
    await createUser('nora', {
      credentials: [{ type: 'password', value: 'nora-password' }, otpCredential('Old phone', BASE32_SECRET_A)],
      requiredActions: ['CONFIGURE_TOTP'],
    });
    await signIn('nora');
    await page.fill('#otp', await codeFor({ secret: BASE32_SECRET_A }));
    await page.click('#kc-login');
    await page.waitForSelector('#kc-totp-secret-qr-code');
    const entry = parseKeyUri(await scanQrCode(page));
    await page.fill('#totp', await codeFor(entry));
    await page.click('#saveTOTPBtn');
    expect(await textOf(page, '#input-error-otp-label')).toBe('Please specify device name.');
  });

  test('several devices: the chooser selects which device the code is checked against', async () => {
    const id = await createUser('olga', {
      credentials: [
        { type: 'password', value: 'olga-password' },
        otpCredential('iPhone', BASE32_SECRET_A),
        otpCredential('YubiKey app', BASE32_SECRET_B),
      ],
    });
    expect(await otpDevices(id)).toHaveLength(2);
    await signIn('olga');
    expect(await page.locator('input[name=selectedCredentialId]').count()).toBe(2);
    await page.getByLabel('YubiKey app').check();
    await page.fill('#otp', await codeFor({ secret: BASE32_SECRET_A }));
    await page.click('#kc-login');
    expect(await textOf(page, '#input-error-otp-code')).toBe('Invalid authenticator code.');
    await page.getByLabel('YubiKey app').check();
    await page.fill('#otp', await codeFor({ secret: BASE32_SECRET_B }));
    await page.click('#kc-login');
    await expectSignedIn();
  });

  test('a code is not accepted twice', async () => {
    await createUser('ruth', {
      credentials: [{ type: 'password', value: 'ruth-password' }, otpCredential('Phone', BASE32_SECRET_B)],
    });
    const code = await codeFor({ secret: BASE32_SECRET_B });
    await signIn('ruth');
    await page.fill('#otp', code);
    await page.click('#kc-login');
    await expectSignedIn();
    await context.clearCookies();
    await signIn('ruth');
    await page.fill('#otp', code);
    await page.click('#kc-login');
    expect(await textOf(page, '#input-error-otp-code')).toBe('Invalid authenticator code.');
  });
});

describe('mandatory OTP from the realm’s browser flow', () => {
  test('a copy of the browser flow with the 2FA subflow required sends users without OTP to setup', async () => {
    const flowRealm = await createTestRealm(kc, 'mandatory', { displayName: 'Mandatory Lab' });
    const flowApp = await startRelyingParty(kut.baseUrl, flowRealm, 'webapp');
    try {
      await kc.clients.create({
        realm: flowRealm,
        clientId: 'webapp',
        publicClient: true,
        redirectUris: [flowApp.redirectUri],
      });
      await kc.authenticationManagement.copyFlow({
        realm: flowRealm,
        flow: 'browser',
        newName: 'browser-otp',
      } as never);
      const executions = await kc.authenticationManagement.getExecutions({
        realm: flowRealm,
        flow: 'browser-otp',
      } as never);
      const otpForm = executions.find((e) => e.providerId === 'auth-otp-form');
      // The subflow holding the OTP form: the closest flow row above it one level up.
      const otpIndex = executions.findIndex((e) => e.providerId === 'auth-otp-form');
      const subflow = executions
        .slice(0, otpIndex)
        .reverse()
        .find((e) => e.authenticationFlow && e.level === (otpForm?.level ?? 0) - 1);
      expect(subflow?.displayName).toBe('browser-otp Browser - Conditional 2FA');
      for (const execution of [subflow, otpForm]) {
        await kc.authenticationManagement.updateExecution({ realm: flowRealm, flow: 'browser-otp' } as never, {
          ...execution,
          requirement: 'REQUIRED',
        });
      }
      await kc.realms.update({ realm: flowRealm }, { browserFlow: 'browser-otp' });
      await kc.users.create({
        realm: flowRealm,
        username: 'sam',
        enabled: true,
        credentials: [{ type: 'password', value: 'sam-password' }],
      });

      await page.goto(flowApp.authorizeUrl());
      await page.fill('#username', 'sam');
      await page.fill('#password', 'sam-password');
      await page.click('#kc-login');
      await page.waitForSelector('#kc-totp-secret-qr-code');
      const entry = parseKeyUri(await scanQrCode(page));
      expect(entry.issuer).toBe('Mandatory Lab');
      await page.fill('#totp', await codeFor(entry));
      await page.fill('#userLabel', 'Work phone');
      await page.click('#saveTOTPBtn');
      await page.waitForSelector('#app');
      const [sam] = await kc.users.find({ realm: flowRealm, username: 'sam', exact: true });
      expect(sam?.totp).toBe(true);
    } finally {
      await flowApp.close();
    }
  });
});

describe('forgot password', () => {
  const forgotPassword = async (username: string) => {
    await page.goto(app.authorizeUrl());
    await page.click('text=Forgot Password?');
    expect(await textOf(page, '#kc-page-title')).toBe('Forgot Your Password?');
    await page.fill('#username', username);
    await page.click('#kc-submit');
    expect(await textOf(page, '#kc-info-message')).toContain(
      'You should receive an email shortly with further instructions.',
    );
  };

  const followResetLink = async (to: string) => {
    const email = await mail.waitFor((m) => m.to.includes(to) && m.subject === 'Reset password');
    mail.messages.splice(mail.messages.indexOf(email), 1);
    const link = linkIn(email);
    await page.goto(link);
    return link;
  };

  test('an unknown user sees the same page and no email is sent', async () => {
    const before = mail.messages.length;
    await forgotPassword('nobody-here');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mail.messages.length).toBe(before);
  });

  test('default "Remove none": new password, new device, the old device kept', async () => {
    const id = await createUser('tina', {
      credentials: [{ type: 'password', value: 'tina-password' }, otpCredential('Lost phone', BASE32_SECRET_A)],
    });
    await forgotPassword('tina');
    await followResetLink('tina@example.org');
    // Required actions run in priority order: CONFIGURE_TOTP (10) before UPDATE_PASSWORD (30).
    await setUpAuthenticator('New phone');
    await setNewPassword('tina-new-password');
    await expectSignedIn();
    expect((await otpDevices(id)).map((d) => d.userLabel).sort()).toEqual(['Lost phone', 'New phone']);
    const events = (await kc.realms.findEvents({ realm, user: id })).map((e) => e.type);
    expect(events).toEqual(
      expect.arrayContaining(['SEND_RESET_PASSWORD', 'UPDATE_PASSWORD', 'UPDATE_CREDENTIAL', 'RESET_PASSWORD']),
    );
    // The new password works.
    await context.clearCookies();
    await signIn('tina', 'tina-new-password');
    await page.waitForSelector('#otp');
  });

  const bindResetFlow = async (mode: 'Remove one' | 'Remove all') => {
    const alias = `reset-${mode.replace(' ', '-').toLowerCase()}`;
    const existing = await kc.authenticationManagement.getFlows({ realm } as never);
    if (!existing.some((f: { alias?: string }) => f.alias === alias)) {
      await kc.authenticationManagement.copyFlow({ realm, flow: 'reset credentials', newName: alias } as never);
      const executions = await kc.authenticationManagement.getExecutions({ realm, flow: alias } as never);
      const resetOtp = executions.find((e) => e.providerId === 'reset-otp');
      await kc.authenticationManagement.createConfig({
        realm,
        id: resetOtp?.id as string,
        alias: `${alias}-config`,
        config: { action_on_otp_reset_flag: mode },
      } as never);
    }
    await kc.realms.update({ realm }, { resetCredentialsFlow: alias });
  };

  afterEach(async () => {
    await kc.realms.update({ realm }, { resetCredentialsFlow: 'reset credentials' });
  });

  test('"Remove all": every old device is gone once the link is followed', async () => {
    await bindResetFlow('Remove all');
    const id = await createUser('uma', {
      credentials: [
        { type: 'password', value: 'uma-password' },
        otpCredential('Lost phone', BASE32_SECRET_A),
        otpCredential('Tablet', BASE32_SECRET_B),
      ],
    });
    await forgotPassword('uma@example.org');
    await followResetLink('uma@example.org');
    // Keycloak's "Remove all" fires before the new device works: the gap the sidecar closes.
    expect(await otpDevices(id)).toEqual([]);
    await setUpAuthenticator('New phone');
    await setNewPassword('uma-new-password');
    await expectSignedIn();
    expect((await otpDevices(id)).map((d) => d.userLabel)).toEqual(['New phone']);
  });

  test('"Remove one": the user chooses which device to remove', async () => {
    await bindResetFlow('Remove one');
    const id = await createUser('vera', {
      credentials: [
        { type: 'password', value: 'vera-password' },
        otpCredential('Lost phone', BASE32_SECRET_A),
        otpCredential('Tablet', BASE32_SECRET_B),
      ],
    });
    await forgotPassword('vera');
    await followResetLink('vera@example.org');
    await page.waitForSelector('#kc-otp-reset-form-description');
    await page.getByLabel('Lost phone').check();
    await page.click('#kc-otp-reset-form-submit');
    await setUpAuthenticator('New phone');
    await setNewPassword('vera-new-password');
    await expectSignedIn();
    expect((await otpDevices(id)).map((d) => d.userLabel).sort()).toEqual(['New phone', 'Tablet']);
  });

  test('a reused link and an expired link get an error page', async () => {
    await createUser('wade');
    await forgotPassword('wade');
    const link = await followResetLink('wade@example.org');
    expect(await textOf(page, '#kc-page-title')).toBe('Update password');
    await page.goto(link);
    expect(await textOf(page, '#kc-error-message')).toContain('no longer valid');

    await kc.realms.update({ realm }, { actionTokenGeneratedByUserLifespan: 1 });
    try {
      await forgotPassword('wade');
      const email = await mail.waitFor((m) => m.to.includes('wade@example.org') && m.subject === 'Reset password');
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await page.goto(linkIn(email));
      expect(await textOf(page, '#kc-error-message')).toContain('Action expired');
    } finally {
      await kc.realms.update({ realm }, { actionTokenGeneratedByUserLifespan: 300 });
    }
  });
});

describe('execute-actions email from the admin API', () => {
  test('the link runs the requested actions without a password, then points back to the application', async () => {
    const id = await createUser('xena', {
      credentials: [{ type: 'password', value: 'xena-password' }, otpCredential('Lost phone', BASE32_SECRET_A)],
    });
    await kc.users.executeActionsEmail({
      realm,
      id,
      actions: ['UPDATE_PASSWORD', 'CONFIGURE_TOTP'],
      lifespan: 600,
      clientId: 'webapp',
      redirectUri: app.redirectUri,
    });
    const email = await mail.waitFor((m) => m.to.includes('xena@example.org') && m.subject === 'Update Your Account');
    expect(email.text).toContain('Update Password');
    await page.goto(linkIn(email));
    // Actions run in the realm's priority order: CONFIGURE_TOTP (10) before UPDATE_PASSWORD (30).
    await setUpAuthenticator('Replacement phone');
    await setNewPassword('xena-new-password');
    expect(await textOf(page, '#kc-info-message')).toContain('Your account has been updated.');
    expect(await page.getAttribute('#kc-info-link', 'href')).toBe(app.redirectUri);
    expect((await otpDevices(id)).map((d) => d.userLabel).sort()).toEqual(['Lost phone', 'Replacement phone']);
    const events = (await kc.realms.findEvents({ realm, user: id })).map((e) => e.type);
    expect(events).toEqual(
      expect.arrayContaining(['EXECUTE_ACTION_TOKEN', 'UPDATE_PASSWORD', 'UPDATE_CREDENTIAL', 'EXECUTE_ACTIONS']),
    );
  });
});

describe('brute-force protection', () => {
  test('after failureFactor wrong codes even the right code is refused until an admin clears it', async () => {
    await kc.realms.update({ realm }, { bruteForceProtected: true, failureFactor: 3, waitIncrementSeconds: 60 });
    try {
      const id = await createUser('yuri', {
        credentials: [{ type: 'password', value: 'yuri-password' }, otpCredential('Phone', BASE32_SECRET_A)],
      });
      await signIn('yuri');
      for (let i = 0; i < 3; i += 1) {
        await page.fill('#otp', '123456');
        await page.click('#kc-login');
        expect(await textOf(page, '#input-error-otp-code')).toBe('Invalid authenticator code.');
      }
      await page.fill('#otp', await codeFor({ secret: BASE32_SECRET_A }));
      await page.click('#kc-login');
      expect(await textOf(page, '#input-error-otp-code')).toBe('Invalid authenticator code.');
      const status = await kc.attackDetection.findOne({ realm, id });
      expect(status).toMatchObject({ disabled: true, numFailures: 3 });

      await kc.attackDetection.del({ realm, id });
      await page.fill('#otp', await nextStepCode({ secret: BASE32_SECRET_A }));
      await page.click('#kc-login');
      await expectSignedIn();
    } finally {
      await kc.realms.update({ realm }, { bruteForceProtected: false });
    }
  });
});
