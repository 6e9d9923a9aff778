/**
 * Keycloak 26's default login theme (`keycloak.v2`) as a browser sees it: the ids, names, element kinds and
 * texts tests and people rely on, each checked the way it holds on a real Keycloak 26 (contract §11).
 * Verified in keycloak/keycloak themes/src/main/resources/theme/keycloak.v2/login/{login,login-otp,
 * login-config-totp,login-reset-password,login-update-password,template,field,buttons}.ftl, the base
 * theme's messages_en.properties, AbstractUsernameFormAuthenticator, UpdatePassword and
 * FreeMarkerLoginFormsProvider.
 */
import type { Page } from 'playwright-core';
import { loginPage } from '../../keycloak-emulator/src/login/pages.js';
import { codeFor } from '../support/browser.js';
import { describeEmulatorOnly } from '../support/keycloak.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { linkIn } from '../support/smtp.js';
import { otpCredential } from '../support/users.js';
import {
  app,
  BASE32_SECRET_A,
  BASE32_SECRET_B,
  createUser,
  expectSignedIn,
  kcPages,
  mail,
  otpDevices,
  page,
  signIn,
  useLoginPagesLab,
} from './login-pages-lab.js';

useLoginPagesLab();

const EMAIL_SENT = 'You should receive an email shortly with further instructions.';

/** Tag name, id and type of every element the selector matches. */
const elements = (selector: string) =>
  page
    .locator(selector)
    .evaluateAll((found) =>
      found.map((e) => ({ tag: e.tagName.toLowerCase(), id: e.id, type: e.getAttribute('type') ?? '' })),
    );

const count = (selector: string) => page.locator(selector).count();

describe('sign-in page (login.ftl, field.ftl, buttons.ftl)', () => {
  test('form#kc-form-login holds #username, #password and the submit <button id="kc-login" name="login">', async () => {
    await page.goto(app.authorizeUrl());
    await page.locator('#kc-form-login').waitFor();
    expect(await count('#kc-form-login input#username[name=username]')).toBe(1);
    expect(await count('#kc-form-login input#password[name=password][type=password]')).toBe(1);
    expect(await elements('#kc-form-login [type=submit]')).toEqual([{ tag: 'button', id: 'kc-login', type: 'submit' }]);
    expect(await page.getAttribute('#kc-login', 'name')).toBe('login');
  });

  test('a wrong password is the username field’s error #input-error-username, and no alert (AbstractUsernameFormAuthenticator: FIELD_PASSWORD; login.ftl shows username/password errors under username)', async () => {
    await createUser('pia');
    await signIn('pia', 'not-her-password');
    expect(await kcPages.errorOf('username')).toBe('Invalid username or password.');
    expect(await count('.kc-feedback-text')).toBe(0);
  });

  test('a disabled account is an alert, not a field error (enabledUser challenges without a field)', async () => {
    await createUser('dora', { enabled: false });
    await signIn('dora');
    expect(await kcPages.alertText()).toBe('Account is disabled, contact your administrator.');
    expect(await count('#input-error-username')).toBe(0);
  });
});

describe('OTP form (login-otp.ftl)', () => {
  test('one device: hidden #selectedCredentialId with its id, the field otp labelled "One-time code", button#kc-login, no chooser', async () => {
    const id = await createUser('owen', {
      credentials: [{ type: 'password', value: 'owen-password' }, otpCredential('Phone', BASE32_SECRET_A)],
    });
    const [device] = await otpDevices(id);
    await signIn('owen');
    await page.locator('#kc-otp-login-form').waitFor();
    expect(await elements('input#selectedCredentialId')).toEqual([
      { tag: 'input', id: 'selectedCredentialId', type: 'hidden' },
    ]);
    expect(await page.inputValue('#selectedCredentialId')).toBe(device?.id);
    expect(await page.getByLabel('One-time code').getAttribute('name')).toBe('otp');
    expect(await elements('#kc-otp-login-form [type=submit]')).toEqual([
      { tag: 'button', id: 'kc-login', type: 'submit' },
    ]);
    expect(await count('[id^="kc-otp-credential-"]')).toBe(0);
  });

  test('a wrong code: "Invalid authenticator code." once, in #input-error-otp under the field, no alert', async () => {
    await createUser('opal', {
      credentials: [{ type: 'password', value: 'opal-password' }, otpCredential('Phone', BASE32_SECRET_A)],
    });
    await signIn('opal');
    await kcPages.enterOtp('000000');
    expect(await kcPages.errorOf('otp')).toBe('Invalid authenticator code.');
    expect(await page.getByText('Invalid authenticator code.').count()).toBe(1);
    expect(await count('.kc-feedback-text')).toBe(0);
  });

  test('several devices: a click on div#kc-otp-credential-N (label in a span) sets #selectedCredentialId; no radios, no device labels, no kc-otp-credentials fieldset', async () => {
    const id = await createUser('otto', {
      credentials: [
        { type: 'password', value: 'otto-password' },
        otpCredential('iPhone', BASE32_SECRET_A),
        otpCredential('Tablet', BASE32_SECRET_B),
      ],
    });
    const tablet = (await otpDevices(id)).find((d) => d.userLabel === 'Tablet');
    await signIn('otto');
    expect(await kcPages.devices()).toEqual(['iPhone', 'Tablet']);
    expect(await elements('[id^="kc-otp-credential-"]')).toEqual([
      { tag: 'div', id: 'kc-otp-credential-0', type: '' },
      { tag: 'div', id: 'kc-otp-credential-1', type: '' },
    ]);
    expect((await page.locator('#kc-otp-credential-1 span').allTextContents()).map((t) => t.trim())).toContain(
      'Tablet',
    );
    expect(await count('#kc-otp-login-form [type=radio]')).toBe(0);
    expect((await page.locator('#kc-otp-login-form label').allTextContents()).map((t) => t.trim())).toEqual([
      'One-time code',
    ]);
    expect(await count('[id="kc-otp-credentials"]')).toBe(0);

    await kcPages.chooseDevice('Tablet');
    expect(await page.inputValue('#selectedCredentialId')).toBe(tablet?.id);
    await kcPages.enterOtp(await codeFor({ secret: BASE32_SECRET_B }));
    await expectSignedIn();
  });
});

/** The submit control of the OTP setup form: an input with the id saveTOTPBtn. */
const saveButton = (p: Page) =>
  p
    .locator('#kc-totp-settings-form [type=submit]')
    .evaluateAll((found) => found.map((e) => `${e.tagName.toLowerCase()}#${e.id}`));

describe('CONFIGURE_TOTP page (login-config-totp.ftl)', () => {
  test('"scan this QR-Code:", img#kc-totp-secret-qr-code, "Unable to scan?" ↔ "Scan QR-Code?", the fields and input#saveTOTPBtn', async () => {
    await createUser('quincy', { requiredActions: ['CONFIGURE_TOTP'] });
    await signIn('quincy');
    await page.locator('#kc-totp-secret-qr-code').waitFor();
    expect(await kcPages.title()).toBe('Mobile Authenticator Setup');
    // FreeMarkerLoginFormsProvider sets Messages.CONFIGURE_TOTP as a warning when there is no error.
    expect(await kcPages.alertText()).toBe('You need to set up Mobile Authenticator to activate your account.');
    expect(await page.getByText('Open the application and scan this QR-Code:').count()).toBe(1);
    expect(await elements('#kc-totp-secret-qr-code')).toEqual([{ tag: 'img', id: 'kc-totp-secret-qr-code', type: '' }]);
    expect((await page.textContent('#mode-manual'))?.trim()).toBe('Unable to scan?');

    await page.click('#mode-manual');
    expect(await page.locator('#kc-totp-secret-key').textContent()).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    expect(await page.getByText('Open the application and enter the key:').count()).toBe(1);
    expect((await page.textContent('#mode-barcode'))?.trim()).toBe('Scan QR-Code?');
    await page.click('#mode-barcode');
    await page.locator('#kc-totp-secret-qr-code').waitFor();

    const form = '#kc-totp-settings-form';
    expect(await elements(`${form} [name=totp]`)).toEqual([{ tag: 'input', id: 'totp', type: 'text' }]);
    expect(await elements(`${form} [name=totpSecret]`)).toEqual([{ tag: 'input', id: 'totpSecret', type: 'hidden' }]);
    expect(await elements(`${form} [name=userLabel]`)).toEqual([{ tag: 'input', id: 'userLabel', type: 'text' }]);
    expect(await elements(`${form} [name=logout-sessions]`)).toEqual([
      { tag: 'input', id: 'logout-sessions', type: 'checkbox' },
    ]);
    expect(await saveButton(page)).toEqual(['input#saveTOTPBtn']);
  });

  test('errors stand under their field: a wrong code in #input-error-otp-code, a missing device name in #input-error-otp-label, no alert', async () => {
    await createUser('rhea', {
      credentials: [{ type: 'password', value: 'rhea-password' }, otpCredential('Old phone', BASE32_SECRET_A)],
      requiredActions: ['CONFIGURE_TOTP'],
    });
    await signIn('rhea');
    await kcPages.enterOtp(await codeFor({ secret: BASE32_SECRET_A }));
    const entry = await kcPages.scanOtpQrCode();
    await kcPages.submitOtpSetup('000000', 'New phone');
    expect(await kcPages.errorOf('otp-code')).toBe('Invalid authenticator code.');
    expect(await count('.kc-feedback-text')).toBe(0);
    // UpdateTotp: with a device already there the new one must be named.
    await kcPages.submitOtpSetup(await codeFor(entry));
    expect(await kcPages.errorOf('otp-label')).toBe('Please specify device name.');
    expect(await count('.kc-feedback-text')).toBe(0);
  });
});

describe('"Forgot Your Password?" (login-reset-password.ftl) and update password (login-update-password.ftl)', () => {
  test('the title, the field username and a <button> submit; the answer "You should receive an email shortly…"', async () => {
    await page.goto(app.authorizeUrl());
    await page.getByRole('link', { name: 'Forgot Password?' }).click();
    expect(await kcPages.title()).toBe('Forgot Your Password?');
    expect(await elements('#kc-reset-password-form [name=username]')).toEqual([
      { tag: 'input', id: 'username', type: 'text' },
    ]);
    expect((await elements('#kc-reset-password-form [type=submit]')).map((e) => e.tag)).toEqual(['button']);
    await page.fill('#username', 'nobody-at-all');
    await page.click('#kc-reset-password-form button[type=submit]');
    await kcPages.waitForText(EMAIL_SENT);
  });

  test('password-new, password-confirm, logout-sessions, a submit without an id in #kc-form-buttons, "You need to change your password."; a mismatch is #input-error-password-confirm (UpdatePassword: FIELD_PASSWORD_CONFIRM)', async () => {
    await createUser('uwe');
    await page.goto(app.authorizeUrl());
    await kcPages.forgotPassword('uwe');
    const email = await mail.waitFor((m) => m.to.includes('uwe@example.org') && m.subject === 'Reset password');
    await page.goto(linkIn(email));
    expect(await kcPages.title()).toBe('Update password');
    expect(await kcPages.alertText()).toBe('You need to change your password.');
    const form = '#kc-passwd-update-form';
    expect(await elements(`${form} [name=password-new]`)).toEqual([
      { tag: 'input', id: 'password-new', type: 'password' },
    ]);
    expect(await elements(`${form} [name=password-confirm]`)).toEqual([
      { tag: 'input', id: 'password-confirm', type: 'password' },
    ]);
    expect(await elements(`${form} [name=logout-sessions]`)).toEqual([
      { tag: 'input', id: 'logout-sessions', type: 'checkbox' },
    ]);
    expect(await elements(`${form} [type=submit]`)).toEqual([{ tag: 'input', id: '', type: 'submit' }]);
    expect(await count(`${form} #kc-form-buttons [type=submit]`)).toBe(1);

    await page.fill('#password-new', 'uwe-new-password');
    await page.fill('#password-confirm', 'something-else');
    await page.click(`${form} #kc-form-buttons [type=submit]`);
    expect(await kcPages.errorOf('password-confirm')).toBe("Passwords don't match.");
    await kcPages.updatePassword('uwe-new-password');
    await expectSignedIn();
  });
});

// Emulator only: the emulator's own page function is checked directly (its alert parameter and its default);
// the journey that shows the alert after "Forgot Password?" is tested on both in kc26-flows-recovery.
describeEmulatorOnly('the emulator’s sign-in page function', () => {
  test('an optional success alert renders as keycloak.v2’s alert (.kc-feedback-text) above the form', async () => {
    await page.setContent(loginPage({ realmTitle: 'Lab', action: '/x', success: EMAIL_SENT }));
    const pages = new KeycloakPages(page);
    expect(await pages.alertText()).toBe(EMAIL_SENT);
    expect(await page.locator('.pf-m-success .kc-feedback-text').count()).toBe(1);
    expect(await count('#kc-form-login button#kc-login')).toBe(1);
  });

  test('without an alert parameter the page shows no alert (the signature stays compatible)', async () => {
    await page.setContent(loginPage({ realmTitle: 'Lab', action: '/x' }));
    expect(await count('.kc-feedback-text')).toBe(0);
  });
});
