/**
 * The login pages in a real browser, signing in: a person with a phone signs in, sets up OTP by scanning
 * the QR code off the screen, picks one of several devices, meets a realm flow that makes OTP mandatory,
 * and gets locked out after too many wrong codes. Checked through the pages and the admin API.
 */
import { codeFor } from '../support/browser.js';
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
  kcPages,
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
    expect(await kcPages.errorOf('username')).toBe('Invalid username or password.');
    await kcPages.signIn('paula', 'paula-password');
    const tokens = await expectSignedIn();
    expect(tokens.id_token).toEqual(expect.any(String));
    const events = await kc.realms.findEvents({ realm, type: ['LOGIN', 'LOGIN_ERROR'] });
    expect(events.map((e) => e.type).slice(0, 2)).toEqual(['LOGIN', 'LOGIN_ERROR']);
  });

  test('first login with CONFIGURE_TOTP: QR code, a wrong code, then the device is saved', async () => {
    const id = await createUser('quinn', { requiredActions: ['CONFIGURE_TOTP'] });
    await signIn('quinn');
    const entry = await kcPages.scanOtpQrCode();
    expect(await kcPages.title()).toBe('Mobile Authenticator Setup');
    expect(entry).toMatchObject({ issuer: 'Pages Lab', account: 'quinn', digits: 6, period: 30, algorithm: 'sha1' });

    await kcPages.submitOtpSetup('000000', 'Pixel 8');
    expect(await kcPages.errorOf('otp-code')).toBe('Invalid authenticator code.');

    await kcPages.submitOtpSetup('');
    expect(await kcPages.errorOf('otp-code')).toBe('Please specify authenticator code.');

    await kcPages.submitOtpSetup(await codeFor(entry), 'Pixel 8');
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
    await kcPages.enterOtp(await nextStepCode(entry));
    await expectSignedIn();
  });

  test('the manual mode shows the secret grouped by four with the policy', async () => {
    await createUser('manny', { requiredActions: ['CONFIGURE_TOTP'] });
    await signIn('manny');
    await page.click('#mode-manual');
    const secret = (await page.locator('#kc-totp-secret-key').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    expect((await page.locator('#kc-totp-algorithm').textContent())?.trim()).toBe('Algorithm: SHA1');
    await kcPages.submitOtpSetup(await codeFor({ secret: secret.replaceAll(' ', '') }));
    await expectSignedIn();
  });

  test('a second device needs a device name', async () => {
    await createUser('nora', {
      credentials: [{ type: 'password', value: 'nora-password' }, otpCredential('Old phone', BASE32_SECRET_A)],
      requiredActions: ['CONFIGURE_TOTP'],
    });
    await signIn('nora');
    await kcPages.enterOtp(await codeFor({ secret: BASE32_SECRET_A }));
    const entry = await kcPages.scanOtpQrCode();
    await kcPages.submitOtpSetup(await codeFor(entry));
    expect(await kcPages.errorOf('otp-label')).toBe('Please specify device name.');
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
    expect(await kcPages.devices()).toEqual(['iPhone', 'YubiKey app']);
    await kcPages.chooseDevice('YubiKey app');
    await kcPages.enterOtp(await codeFor({ secret: BASE32_SECRET_A }));
    expect(await kcPages.errorOf('otp')).toBe('Invalid authenticator code.');
    await kcPages.chooseDevice('YubiKey app');
    await kcPages.enterOtp(await codeFor({ secret: BASE32_SECRET_B }));
    await expectSignedIn();
  });

  test('a code is not accepted twice', async () => {
    await createUser('ruth', {
      credentials: [{ type: 'password', value: 'ruth-password' }, otpCredential('Phone', BASE32_SECRET_B)],
    });
    const code = await codeFor({ secret: BASE32_SECRET_B });
    await signIn('ruth');
    await kcPages.enterOtp(code);
    await expectSignedIn();
    await context.clearCookies();
    await signIn('ruth');
    await kcPages.enterOtp(code);
    expect(await kcPages.errorOf('otp')).toBe('Invalid authenticator code.');
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
      await kcPages.signIn('sam', 'sam-password');
      const entry = await kcPages.scanOtpQrCode();
      expect(entry.issuer).toBe('Mandatory Lab');
      await kcPages.submitOtpSetup(await codeFor(entry), 'Work phone');
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
        await kcPages.enterOtp('123456');
        expect(await kcPages.errorOf('otp')).toBe('Invalid authenticator code.');
      }
      await kcPages.enterOtp(await codeFor({ secret: BASE32_SECRET_A }));
      expect(await kcPages.errorOf('otp')).toBe('Invalid authenticator code.');
      const status = await kc.attackDetection.findOne({ realm, id });
      expect(status).toMatchObject({ disabled: true, numFailures: 3 });

      await kc.attackDetection.del({ realm, id });
      await kcPages.enterOtp(await nextStepCode({ secret: BASE32_SECRET_A }));
      await expectSignedIn();
    } finally {
      await kc.realms.update({ realm }, { bruteForceProtected: false, quickLoginCheckMilliSeconds: 1000 });
    }
  });
});
