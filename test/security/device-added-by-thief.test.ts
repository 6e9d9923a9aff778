/**
 * Issue 19, attack 3 (arming / one stolen session) as the owner's notice answers it. The attacker holds
 * one stolen session's worth of the victim's factors — her password and one OTP code, captured by a
 * phishing proxy — and signs in as her in his own browser. Through the application-initiated action
 * (`kc_action=CONFIGURE_TOTP` on the authorization endpoint) he adds his own authenticator, so he can
 * come back without her phone. What stops him: the "new authenticator" email reaches the victim at every
 * address on file, with a single-use "This wasn't me" link; she opens it in her browser and confirms;
 * his device is removed, his session is ended (his refresh token fails, his browser must sign in again),
 * and the account is flagged `frozen` for the helpdesk.
 * Before notice-and-cancel the email had no such link: the test fails at "the link in her mailbox".
 */
import type { Page } from 'playwright-core';
import { codeFor } from '../support/browser.js';
import { jsonCall } from '../support/http-json.js';
import { journey, otpLabelsOf, signedIn, step, useJourney, userWithDevice } from '../support/journey.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { DISTANT_DEADLINE, helpdeskToken } from '../support/sidecar-realm.js';
import type { ReceivedMail } from '../support/smtp.js';
import { passwordOf, SECRET_A } from '../support/users.js';
import { eventually } from '../support/wait.js';

let victim: string;
let staff: string;

const ADDRESSES = ['vera@example.org', 'vera.private@example.net'];
const cancelLinkOf = (m: ReceivedMail) => /https?:\/\/\S+\/notice\/cancel\?t=[A-Za-z0-9_-]+/.exec(m.text)?.[0];

useJourney(
  'device-added-by-thief',
  { policy: { enforcement: DISTANT_DEADLINE, notices: { extraAddressAttribute: 'recoveryEmail' } } },
  async () => {
    const { kc, target } = journey;
    // The private address is an attribute only admins edit (an unmanaged attribute under ADMIN_EDIT).
    const profile = await kc.users.getProfile({ realm: target.realm });
    await kc.users.updateProfile({ ...profile, realm: target.realm, unmanagedAttributePolicy: 'ADMIN_EDIT' } as never);
    victim = await userWithDevice('vera', 'Vera phone', {
      attributes: { recoveryEmail: ['vera.private@example.net'] },
    });
    staff = await helpdeskToken(kc, journey.kut, target.realm);
  },
);

const otpLabels = () => otpLabelsOf(victim);

test('the victim freezes the device a thief added with a stolen session', async () => {
  const thiefContext = await journey.browser.newContext();
  const thief = await thiefContext.newPage();
  const victimContext = await journey.browser.newContext();
  const victimPage = await victimContext.newPage();
  const pages: Page[] = [thief, victimPage];

  // The thief, in his own browser: the victim's password and a code phished from her phone.
  const tokens = await step(journey, pages, 'thief-adds-device', async () => {
    await thief.goto(`${journey.app.authorizeUrl()}&kc_action=CONFIGURE_TOTP`);
    const kcPages = new KeycloakPages(thief);
    await kcPages.signIn('vera', passwordOf('vera'));
    await kcPages.enterOtp(await codeFor({ secret: SECRET_A }));
    await kcPages.configureOtp({ deviceName: 'Thief phone' });
    await signedIn(thief);
    const code = new URL(thief.url()).searchParams.get('code') as string;
    const exchanged = await journey.app.exchange(code);
    expect(exchanged.status).toBe(200);
    return exchanged.json as { refresh_token: string };
  });
  expect(await otpLabels()).toEqual(['Thief phone', 'Vera phone']);

  // The victim's mailboxes: the notice, with the link, at every address on file.
  const notices = await step(journey, pages, 'notice-in-every-mailbox', () =>
    eventually(
      async () =>
        journey.mail.messages.filter(
          (m) => ADDRESSES.includes(m.to[0] as string) && m.subject.startsWith('A new authenticator was added'),
        ),
      (found) => found.length >= ADDRESSES.length,
      30_000,
    ),
  );
  expect(notices.map((m) => m.to[0]).sort()).toEqual([...ADDRESSES].sort());
  for (const notice of notices) expect(notice.text).toContain('"Thief phone" was added');
  const link = cancelLinkOf(notices[0] as ReceivedMail);
  expect(link).toBeDefined();

  // She clicks it in her browser and confirms.
  await step(journey, pages, 'victim-cancels', async () => {
    await victimPage.goto(link as string);
    await victimPage.getByRole('button', { name: 'Yes, freeze my account' }).click();
    await victimPage.getByText('you are signed out everywhere').waitFor({ timeout: 15_000 });
  });

  // The thief's device is gone, his session is over, the account is flagged.
  expect(await otpLabels()).toEqual(['Vera phone']);
  const refresh = await fetch(`${journey.kut.baseUrl}/realms/${journey.target.realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: 'journey-app',
      refresh_token: tokens.refresh_token,
    }),
  });
  expect(refresh.status).toBe(400);
  expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  await step(journey, pages, 'thief-must-sign-in-again', async () => {
    await thief.goto(journey.app.authorizeUrl());
    await thief.locator('#username').waitFor({ timeout: 15_000 });
  });
  const view = await jsonCall(`${journey.sidecar.url}/api/v1/helpdesk/users/${victim}`, { token: staff });
  expect(view.body.user).toMatchObject({ frozen: true });
  await Promise.all([thiefContext.close(), victimContext.close()]);
}, 120_000);
