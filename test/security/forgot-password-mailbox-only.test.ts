/**
 * Attack 2 of issue 19 — mailbox only, through Keycloak's "Forgot Password?", with the demo realm's
 * policy as bootstrapped (default recovery level). The attacker knows the victim's username and reads
 * the victim's mailbox; he has neither the password nor the victim's phone. He must get neither a new
 * password nor a device of his own, and the victim's device and password stay as they were.
 */
import type { Page } from 'playwright-core';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { accountConsoleLoginUrl } from '../support/login-robot.js';
import { linkIn } from '../support/smtp.js';
import { createTestUser, otpCredential, SECRET_A } from '../support/users.js';
import { browser, kc, kut, mail, realm, useAttackLab } from './realm-as-bootstrapped.js';

useAttackLab('attack2');

const credentialsOf = async (id: string) =>
  (await kc.users.getCredentials({ realm, id })).map((c) => `${c.type} ${c.id} ${c.createdDate}`).sort();

test('the mailbox alone neither sets a new password nor adds a device', async () => {
  const victim = await createTestUser(kc, realm, 'victoria', {
    credentials: [otpCredential('Victim phone', SECRET_A)],
  });
  const before = await credentialsOf(victim);
  const actionsBefore = (await kc.users.findOne({ realm, id: victim }))?.requiredActions;

  // The attacker, in his own browser: "Forgot Password?" with the victim's username.
  const page: Page = await (await browser.newContext()).newPage();
  const pages = new KeycloakPages(page);
  await page.goto(accountConsoleLoginUrl(kut.baseUrl, realm));
  await pages.forgotPassword('victoria');
  await pages.waitForText('You should receive an email shortly with further instructions.');

  // He reads the victim's mailbox and follows the link.
  const email = await mail.waitFor((m) => m.to.includes('victoria@example.org') && m.subject === 'Reset password');
  await pages.openEmailLink(linkIn(email));
  await page.locator('form').first().waitFor();
  // Before issue 19 the link led straight to "Update password" and "Mobile Authenticator Setup".
  expect(await page.locator('#kc-passwd-update-form, #kc-totp-settings-form').count()).toBe(0);

  // Keycloak asks for a code from the victim's existing device; he has none, so he guesses.
  await pages.enterOtp('000000');
  expect(await pages.errorOf('otp')).toBe('Invalid authenticator code.');
  expect(await page.locator('#kc-passwd-update-form').count()).toBe(0);
  expect(await page.locator('#kc-totp-settings-form').count()).toBe(0);

  // Nothing changed on the account: same device, same password credential.
  expect(await credentialsOf(victim)).toEqual(before);
  const devices = (await kc.users.getCredentials({ realm, id: victim })).filter((c) => c.type === 'otp');
  expect(devices.map((d) => d.userLabel)).toEqual(['Victim phone']);
  const user = await kc.users.findOne({ realm, id: victim });
  expect(user?.requiredActions).toEqual(actionsBefore);
});
