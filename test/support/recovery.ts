/**
 * The lost-phone steps of the README as a person does them: ask at the sidecar's /recovery, follow the
 * emailed link ("» Click here to proceed"), set up the new phone, then sign in at /recovery/complete with the
 * password and a code from the new phone. Shared by the recovery, journey and security tests.
 */
import type { Page } from 'playwright-core';
import { type AuthenticatorEntry, codeFor } from './browser.js';
import { KeycloakPages } from './keycloak-pages.js';
import { LoginRobot } from './login-robot.js';
import { linkIn, type MailCatcher } from './smtp.js';

export const requestRecovery = async (sidecarUrl: string, identifier: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${sidecarUrl}/api/v1/recovery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ identifier }),
  });
  return { status: response.status, body: await response.text() };
};

/** The recovery email Keycloak sent for the sidecar (execute-actions: "Update Your Account"). */
export const recoveryEmailTo = (mail: MailCatcher, address: string, after = 0) =>
  mail.waitFor(
    (m) => m.to.includes(address) && m.subject === 'Update Your Account' && mail.messages.indexOf(m) >= after,
  );

/** A phone as the tests hold it: its entry and the time steps whose codes were spent (each works once). */
export type Phone = AuthenticatorEntry & { spent: number[] };

const stepNow = () => Math.floor(Date.now() / 30_000);

/** A code of the phone Keycloak's window (one step either side) accepts and that was not spent yet. */
export const unspentCode = (phone: Phone) => {
  const now = stepNow();
  const step = [now + 1, now, now - 1].find((s) => !phone.spent.includes(s)) as number;
  phone.spent.push(step);
  return codeFor(phone, step * 30);
};

/** What a person reads and clicks on the way, in the language the pages are in (Keycloak's and the sidecar's). */
export interface RecoveryWords {
  /** Keycloak's link on the execute-actions page (`proceedWithAction`) */
  proceed: string | RegExp;
  /** Keycloak's info page after the setup (`accountUpdatedMessage`) */
  accountUpdated: string;
  /** the sidecar's link on /recovery/complete */
  continueToSignIn: string;
}

export const ENGLISH_WORDS: RecoveryWords = {
  proceed: /Click here to proceed/,
  accountUpdated: 'Your account has been updated.',
  continueToSignIn: 'Continue to sign-in',
};

/** Follows the link and sets up a phone from the QR code; returns the new phone. */
export const followRecoveryLink = async (
  page: Page,
  link: string,
  deviceName: string,
  words: RecoveryWords = ENGLISH_WORDS,
): Promise<Phone> => {
  const pages = new KeycloakPages(page);
  await pages.openEmailLink(link, words.proceed);
  const phone: Phone = { ...(await pages.scanOtpQrCode()), spent: [] };
  await pages.submitOtpSetup(await unspentCode(phone), deviceName);
  await pages.waitForText(words.accountUpdated);
  return phone;
};

/** /recovery/complete: a fresh sign-in with the password and a code of the new phone. */
export const completeRecovery = async (
  page: Page,
  sidecarUrl: string,
  username: string,
  password: string,
  phone: Phone,
  deviceName: string,
  words: RecoveryWords = ENGLISH_WORDS,
) => {
  const pages = new KeycloakPages(page);
  await page.goto(`${sidecarUrl}/recovery/complete`);
  await page.getByRole('link', { name: words.continueToSignIn }).click();
  await pages.signIn(username, password);
  if ((await pages.devices()).length > 1) await pages.chooseDevice(deviceName);
  await pages.enterOtp(await unspentCode(phone));
  await page.waitForURL((url) => url.href.startsWith(`${sidecarUrl}/recovery/complete?`), { timeout: 15_000 });
  return ((await page.locator('h1').first().textContent()) ?? '').trim();
};

/**
 * /recovery/complete at HTTP level (the login robot): a fresh sign-in with the password and, when Keycloak
 * asks, a code of the chosen device. Returns the robot (it holds the session) and the answer page's heading.
 */
export const completeRecoveryByRobot = async (
  sidecarUrl: string,
  sign: { username: string; password: string; code: () => Promise<string>; credentialId: string },
) => {
  const robot = new LoginRobot();
  await robot.open(`${sidecarUrl}/recovery/complete?start=1`);
  await robot.submit({ username: sign.username, password: sign.password });
  if (robot.page.html.includes('name="otp"'))
    await robot.submit({ otp: await sign.code(), selectedCredentialId: sign.credentialId });
  if (!robot.page.url.startsWith(`${sidecarUrl}/recovery/complete`)) return { robot, heading: '' };
  const page = await robot.open(robot.page.url);
  return { robot, heading: /<h1>([^<]*)<\/h1>/.exec(page.html)?.[1]?.trim() ?? '' };
};

export { linkIn };
