/**
 * The page robot for Keycloak's login pages: what a person does on them, in Chromium, finding elements
 * only by what Keycloak 26's default theme (`keycloak.v2`, and the base theme for info, error and
 * reset-OTP pages) really has — contract §11, read in themes/src/main/resources/theme/keycloak.v2/login/*.ftl.
 * Every browser test drives Keycloak's pages through it, so the same test runs against a real Keycloak.
 * Elements are found by id, name and class; the few found by their text (links without an id) take that
 * text as a parameter, English by default, so a test can give it in the page's language.
 */
import type { Page } from 'playwright-core';
import { type AuthenticatorEntry, codeFor, parseKeyUri, scanQrCode } from './browser.js';

const WAIT = { timeout: 15_000 };

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches an element whose whole text, spaces aside, is this text. */
const wholeText = (text: string) => new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);

export class KeycloakPages {
  constructor(readonly page: Page) {}

  private async textOf(selector: string): Promise<string> {
    const locator = this.page.locator(selector).first();
    await locator.waitFor(WAIT);
    return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** The page's heading (`#kc-page-title`). */
  title(): Promise<string> {
    return this.textOf('#kc-page-title');
  }

  /** The message above the form (template.ftl's alert, `.kc-feedback-text`). */
  alertText(): Promise<string> {
    return this.textOf('.kc-feedback-text');
  }

  /**
   * The error under a field (`#input-error-<field>`): `username` on the sign-in page (wrong username or
   * password), `otp` on the OTP form, `otp-code` / `otp-label` on the OTP setup page, `password` /
   * `password-confirm` on the update-password page.
   */
  errorOf(field: string): Promise<string> {
    return this.textOf(`#input-error-${field}`);
  }

  /** Waits until this text is on the page, wherever the theme shows it. */
  async waitForText(text: string): Promise<void> {
    await this.page.getByText(text).first().waitFor(WAIT);
  }

  /** Sign-in page: `form#kc-form-login`, `#username`, `#password`, `button#kc-login`. */
  async signIn(username: string, password: string): Promise<void> {
    await this.page.locator('#kc-form-login').waitFor(WAIT);
    await this.page.fill('#kc-form-login #username', username);
    await this.page.fill('#kc-form-login #password', password);
    await this.page.click('#kc-form-login button#kc-login');
  }

  /** OTP form: the code in `otp`, then `button#kc-login`. */
  async enterOtp(code: string): Promise<void> {
    await this.page.locator('#kc-otp-login-form').waitFor(WAIT);
    await this.page.fill('#kc-otp-login-form #otp', code);
    await this.page.click('#kc-otp-login-form button#kc-login');
  }

  /** The OTP form's device chooser (`div#kc-otp-credential-N`), by label; empty with a single device. */
  async devices(): Promise<string[]> {
    await this.page.locator('#kc-otp-login-form').waitFor(WAIT);
    const labels = await this.page.locator('#kc-otp-login-form div[id^="kc-otp-credential-"]').allTextContents();
    return labels.map((label) => label.trim());
  }

  /** Picks a device on the OTP form: a click on its entry sets the hidden `#selectedCredentialId`. */
  async chooseDevice(label: string): Promise<void> {
    await this.page
      .locator('#kc-otp-login-form div[id^="kc-otp-credential-"]')
      .filter({ hasText: wholeText(label) })
      .click();
  }

  /** Reads the QR code off the OTP setup page, as a phone would. */
  async scanOtpQrCode(): Promise<AuthenticatorEntry> {
    await this.page.locator('#kc-totp-secret-qr-code').waitFor(WAIT);
    return parseKeyUri(await scanQrCode(this.page));
  }

  /** "Unable to scan?" (`#mode-manual`): the key shown in `#kc-totp-secret-key`, spaces removed. */
  async readOtpSecret(): Promise<string> {
    await this.page.click('#mode-manual');
    return (await this.textOf('#kc-totp-secret-key')).replaceAll(' ', '');
  }

  /** Submits the OTP setup form: `totp`, `userLabel` when given, `input#saveTOTPBtn`. */
  async submitOtpSetup(code: string, deviceName?: string): Promise<void> {
    await this.page.locator('#kc-totp-settings-form').waitFor(WAIT);
    await this.page.fill('#kc-totp-settings-form #totp', code);
    if (deviceName !== undefined) await this.page.fill('#kc-totp-settings-form #userLabel', deviceName);
    await this.page.click('#kc-totp-settings-form #saveTOTPBtn');
  }

  /** Sets up OTP with the key read through "Unable to scan?"; returns that key (base32). */
  async configureOtp({ deviceName }: { deviceName?: string } = {}): Promise<string> {
    await this.page.locator('#kc-totp-secret-qr-code').waitFor(WAIT);
    const secret = await this.readOtpSecret();
    await this.submitOtpSetup(await codeFor({ secret }), deviceName);
    return secret;
  }

  /** From the sign-in page: "Forgot Password?" (`doForgotPassword`), then the username and the form's submit `<button>`. */
  async forgotPassword(username: string, linkText = 'Forgot Password?'): Promise<void> {
    await this.page.getByRole('link', { name: linkText }).click();
    await this.page.locator('#kc-reset-password-form').waitFor(WAIT);
    await this.page.fill('#kc-reset-password-form #username', username);
    await this.page.click('#kc-reset-password-form button[type=submit]');
  }

  /** The reset flow's "Reset OTP" step with "Remove one": the base theme's radio list, by label. */
  async chooseOtpToRemove(label: string): Promise<void> {
    await this.page.locator('#kc-otp-reset-form').waitFor(WAIT);
    await this.page.getByLabel(label, { exact: true }).check();
    await this.page.click('#kc-otp-reset-form-submit');
  }

  /**
   * Update-password page: both fields, then its submit (an input without an id in `#kc-form-buttons`; an
   * application-initiated update also has a "Cancel" submit named `cancel-aia` there).
   */
  async updatePassword(newPassword: string): Promise<void> {
    await this.page.locator('#kc-passwd-update-form').waitFor(WAIT);
    await this.page.fill('#password-new', newPassword);
    await this.page.fill('#password-confirm', newPassword);
    await this.page.click('#kc-passwd-update-form #kc-form-buttons [type=submit]:not([name=cancel-aia])');
  }

  /** The info page's "» Click here to proceed" link (info.ftl, no id; `proceedWithAction`, e.g. "» Cliquez ici"). */
  async proceed(linkText: string | RegExp = /Click here to proceed/): Promise<void> {
    await this.page.getByRole('link', { name: linkText }).click();
  }

  /**
   * Opens an email's link; when Keycloak first shows the info page with "» Click here to proceed" (the
   * execute-actions email), follows it, as the person reading that page would.
   */
  async openEmailLink(url: string, proceedText: string | RegExp = /Click here to proceed/): Promise<void> {
    await this.page.goto(url);
    if ((await this.page.getByRole('link', { name: proceedText }).count()) > 0) await this.proceed(proceedText);
  }

  /** The info page's message (`#kc-info-message`). */
  infoMessage(): Promise<string> {
    return this.textOf('#kc-info-message');
  }

  /** The error page's message (`#kc-error-message`). */
  errorMessage(): Promise<string> {
    return this.textOf('#kc-error-message');
  }

  /** Where the info page's "« Back to Application" link (`backToApplication`) leads. */
  async backToApplicationHref(linkText: string | RegExp = /Back to Application/): Promise<string | null> {
    const link = this.page.locator('#kc-info-message a').filter({ hasText: linkText });
    await link.waitFor(WAIT);
    return link.getAttribute('href');
  }

  /** The page's language: `<html lang>` (template.ftl). */
  async language(): Promise<string | null> {
    await this.page.locator('#kc-page-title').waitFor(WAIT);
    return this.page.locator('html').getAttribute('lang');
  }

  /** The language menu's choices (template.ftl's `select#login-select-toggle`), by label; empty without a menu. */
  async languages(): Promise<string[]> {
    await this.page.locator('#kc-page-title').waitFor(WAIT);
    const labels = await this.page.locator('#login-select-toggle option').allTextContents();
    return labels.map((label) => label.trim());
  }

  /** Picks a language in the menu, as a person does; the page loads again in that language. */
  async switchLanguage(label: string): Promise<void> {
    const menu = this.page.locator('#login-select-toggle');
    await menu.waitFor(WAIT);
    await Promise.all([this.page.waitForURL(/[?&]kc_locale=/, WAIT), menu.selectOption({ label })]);
    await this.page.locator('#kc-page-title').waitFor(WAIT);
  }

  /** The "Logging out" page's confirm button (`#kc-logout`). */
  async confirmLogout(): Promise<void> {
    await this.page.click('#kc-logout');
  }
}
