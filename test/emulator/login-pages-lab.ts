/**
 * The lab the login-page tests share: an emulator (or Keycloak) with a realm whose emails go to a
 * mail catcher, a relying party, a browser with a fresh context per test, and the steps a person takes.
 * The `let`s are ES module live bindings, so the tests read them as they were set by the hooks.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type AuthenticatorEntry, codeFor, launchBrowser, saveScreenshot } from '../support/browser.js';
import { createTestRealm } from '../support/keycloak.js';
import { kc, kut, mail, useKeycloakAdmin } from '../support/keycloak-admin.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { type RelyingParty, startRegisteredRelyingParty } from '../support/oidc-app.js';
import { createTestUser, SECRET_A, SECRET_B } from '../support/users.js';

export { kc, kut, mail };
export let browser: Browser;
export let realm: string;
export let app: RelyingParty;
export let context: BrowserContext;
export let page: Page;
/** Keycloak's pages in this test's browser page */
export let kcPages: KeycloakPages;

export const BASE32_SECRET_A = SECRET_A;
export const BASE32_SECRET_B = SECRET_B;

export const createUser = (username: string, extra: Record<string, unknown> = {}) =>
  createTestUser(kc, realm, username, { extra });

export const otpDevices = async (userId: string) =>
  (await kc.users.getCredentials({ realm, id: userId })).filter((c) => c.type === 'otp');

export const signIn = async (username: string, password = `${username}-password`) => {
  await page.goto(app.authorizeUrl());
  await kcPages.signIn(username, password);
};

/** Sets up OTP on the setup page like a person with a phone: scan, type the code and a device name. */
export const setUpAuthenticator = async (deviceName: string): Promise<AuthenticatorEntry> => {
  const entry = await kcPages.scanOtpQrCode();
  await kcPages.submitOtpSetup(await codeFor(entry), deviceName);
  return entry;
};

export const setNewPassword = async (password: string) => {
  expect(await kcPages.title()).toBe('Update password');
  await kcPages.updatePassword(password);
};

export const expectSignedIn = async () => {
  await page.waitForSelector('#app');
  const callback = app.callbacks.at(-1);
  expect(callback?.get('code')).toEqual(expect.any(String));
  const tokens = await app.exchange(callback?.get('code') as string);
  expect(tokens.status).toBe(200);
  return tokens.json;
};

/** Codes an authenticator shows in the next time step, so a test never reuses the step it just used. */
export const nextStepCode = (entry: Pick<AuthenticatorEntry, 'secret'> & Partial<AuthenticatorEntry>) =>
  codeFor(entry, Math.floor(Date.now() / 1000) + 30);

/** Registers the hooks that start the lab before the tests of a file and stop it after them. */
export const useLoginPagesLab = () => {
  useKeycloakAdmin({ mail: true });
  beforeAll(async () => {
    browser = await launchBrowser();
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
    app = await startRegisteredRelyingParty(kc, kut.baseUrl, realm);
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    kcPages = new KeycloakPages(page);
  });

  afterEach(async () => {
    const state = expect.getState();
    if (state.currentTestName)
      await saveScreenshot(page, `login-pages ${state.currentTestName}`).catch(() => undefined);
    await context.close();
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), app?.close()]);
  });
};
