/**
 * The login pages in a real browser, signing in: a person with a phone signs in, sets up OTP by scanning
 * the QR code off the screen, picks one of several devices, meets a realm flow that makes OTP mandatory,
 * and gets locked out after too many wrong codes. Checked through the pages and the admin API.
 */
import { codeFor, parseKeyUri, scanQrCode, textOf } from '../support/browser.js';
import { createTestRealm } from '../support/keycloak.js';
import { startRelyingParty } from '../support/oidc-app.js';
import { otpCredential } from '../support/users.js';
import {
  BASE32_SECRET_A,
  BASE32_SECRET_B,
  context,
  createUser,
  expectSignedIn,
  kc,
  kut,
  nextStepCode,
  otpDevices,
  page,
  realm,
  signIn,
  useLoginPagesLab,
} from './login-pages-lab.js';

useLoginPagesLab();

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

describe('brute-force protection', () => {
  test('after failureFactor wrong codes even the right code is refused until an admin clears it', async () => {
    // Wrong codes typed within quickLoginCheckMilliSeconds of each other would already lock the user
    // (DefaultBruteForceProtector's quick-login check): the check is narrowed so the factor is what counts.
    await kc.realms.update(
      { realm },
      { bruteForceProtected: true, failureFactor: 3, waitIncrementSeconds: 60, quickLoginCheckMilliSeconds: 1 },
    );
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
      await kc.realms.update({ realm }, { bruteForceProtected: false, quickLoginCheckMilliSeconds: 1000 });
    }
  });
});
