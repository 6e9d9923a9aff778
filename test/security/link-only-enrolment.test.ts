/**
 * Issue 19, attack 5 (helpdesk social engineering), the Keycloak side: after a helpdesk reset the account is
 * marked `otp-enrolment: link-only` and has no device. Whoever holds the password (the caller who talked the
 * helpdesk into the reset) cannot enrol by signing in with it: the realm's browser flow, as the admin scripts
 * bootstrap it, refuses ("Deny access") — while the setup link sent to the verified address still works.
 */
import type { Page } from 'playwright-core';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { accountConsoleLoginUrl } from '../support/login-robot.js';
import { linkIn } from '../support/smtp.js';
import { createTestUser, passwordOf } from '../support/users.js';
import { browser, kc, kut, mail, realm, useAttackLab } from './realm-as-bootstrapped.js';

useAttackLab('linkonly');

const otpDevices = async (id: string) => (await kc.users.getCredentials({ realm, id })).filter((c) => c.type === 'otp');

const newPage = async (): Promise<[Page, KeycloakPages]> => {
  const page = await (await browser.newContext()).newPage();
  return [page, new KeycloakPages(page)];
};

test('the password alone is refused; the emailed setup link still sets up a device', async () => {
  const id = await createTestUser(kc, realm, 'lena', { extra: { attributes: { 'otp-enrolment': ['link-only'] } } });

  // The caller who knows the password signs in with it: refused, no setup page, no session.
  const [attacker, attackerPages] = await newPage();
  await attacker.goto(accountConsoleLoginUrl(kut.baseUrl, realm));
  await attackerPages.signIn('lena', passwordOf('lena'));
  expect(await attackerPages.errorMessage()).toBe('Use the setup link we emailed you to set up your authenticator.');
  expect(await attacker.locator('#kc-totp-settings-form').count()).toBe(0);
  expect(await kc.users.listSessions({ realm, id })).toEqual([]);
  expect(await otpDevices(id)).toEqual([]);

  // The owner opens the setup link sent to her verified address and sets up her phone.
  await kc.users.executeActionsEmail({ realm, id, actions: ['CONFIGURE_TOTP'], lifespan: 900 });
  const email = await mail.waitFor((m) => m.to.includes('lena@example.org') && /Update Your Account/i.test(m.subject));
  const [owner, ownerPages] = await newPage();
  await ownerPages.openEmailLink(linkIn(email));
  await ownerPages.configureOtp({ deviceName: 'Lena phone' });
  await ownerPages.waitForText('Your account has been updated.');
  expect((await otpDevices(id)).map((d) => d.userLabel)).toEqual(['Lena phone']);
  await owner.context().close();
});
