/**
 * The login pages in a real browser, recovering an account: "Forgot Password?" by email (with the
 * reset-OTP choices), and the execute-actions email an admin sends. Checked through the pages, the
 * emails and the admin API.
 */
import { linkIn } from '../support/smtp.js';
import { otpCredential } from '../support/users.js';
import {
  app,
  BASE32_SECRET_A,
  BASE32_SECRET_B,
  context,
  createUser,
  expectSignedIn,
  kc,
  kcPages,
  mail,
  otpDevices,
  page,
  realm,
  setNewPassword,
  setUpAuthenticator,
  signIn,
  useLoginPagesLab,
} from './login-pages-lab.js';

useLoginPagesLab();

describe('forgot password', () => {
  const forgotPassword = async (username: string) => {
    await page.goto(app.authorizeUrl());
    await kcPages.forgotPassword(username);
    // Keycloak restarts the sign-in page with the alert (ResetCredentialEmail's forkWithSuccessMessage, §11).
    expect(await kcPages.alertText()).toContain('You should receive an email shortly with further instructions.');
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
    // Keycloak records no RESET_PASSWORD success event on the link path (contract §11, ResetPasswordTest).
    expect(events).toEqual(
      expect.arrayContaining(['SEND_RESET_PASSWORD', 'UPDATE_TOTP', 'UPDATE_CREDENTIAL', 'UPDATE_PASSWORD', 'LOGIN']),
    );
    expect(events).not.toContain('RESET_PASSWORD');
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
    await kcPages.chooseOtpToRemove('Lost phone');
    await setUpAuthenticator('New phone');
    await setNewPassword('vera-new-password');
    await expectSignedIn();
    expect((await otpDevices(id)).map((d) => d.userLabel).sort()).toEqual(['New phone', 'Tablet']);
  });

  // LoginActionsService#handleActionToken: the token is used up only when its actions are finished, and an
  // expired one restarts the login in the browser that asked (contract §11 "Single use and expiry").
  test('a link reopened before the end continues; used up after it; expired, the sign-in page starts again', async () => {
    await createUser('wade');
    await forgotPassword('wade');
    const link = await followResetLink('wade@example.org');
    expect(await kcPages.title()).toBe('Update password');
    await page.goto(link);
    expect(await kcPages.title()).toBe('Update password');
    await setNewPassword('wade-new-password');
    await expectSignedIn();
    await page.goto(link);
    expect(await page.textContent('body')).toContain('Action expired. Please continue with login now.');

    await context.clearCookies();
    await kc.realms.update({ realm }, { actionTokenGeneratedByUserLifespan: 1 });
    try {
      await forgotPassword('wade');
      const email = await mail.waitFor((m) => m.to.includes('wade@example.org') && m.subject === 'Reset password');
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await page.goto(linkIn(email));
      expect(await page.textContent('body')).toContain('Action expired. Please start again.');
      await page.waitForSelector('#kc-form-login');
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
    // ExecuteActionsActionTokenHandler: the actions are listed first; only the proceed link starts them.
    expect(await kcPages.infoMessage()).toContain('Perform the following action(s)');
    await kcPages.proceed();
    // Actions run in the realm's priority order: CONFIGURE_TOTP (10) before UPDATE_PASSWORD (30).
    await setUpAuthenticator('Replacement phone');
    await setNewPassword('xena-new-password');
    expect(await kcPages.infoMessage()).toContain('Your account has been updated.');
    expect(await kcPages.backToApplicationHref()).toBe(app.redirectUri);
    expect((await otpDevices(id)).map((d) => d.userLabel).sort()).toEqual(['Lost phone', 'Replacement phone']);
    const events = (await kc.realms.findEvents({ realm, user: id })).map((e) => e.type);
    // Each action's own events; no success events for the link itself, and no sign-in (contract §11).
    expect(events).toEqual(expect.arrayContaining(['UPDATE_PASSWORD', 'UPDATE_CREDENTIAL', 'UPDATE_TOTP']));
    for (const absent of ['EXECUTE_ACTION_TOKEN', 'EXECUTE_ACTIONS', 'LOGIN']) expect(events).not.toContain(absent);
  });
});
