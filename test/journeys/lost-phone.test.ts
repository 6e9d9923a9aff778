/**
 * Journey 2 — lost phone, as the README's "I lost my phone" steps say (default level password-and-email). A
 * user with one authenticator asks on the sidecar's /recovery page, gets the email at the SMTP server, follows
 * the link, sets up OTP on a new phone (QR code read off the screen), then goes "Back to Application" and
 * signs in with the password and the new phone's code. Only then is the old device gone in Keycloak and
 * shown as removed in the mirror; the user was told of the new device and of the old one's removal.
 */
import type { Page } from 'playwright-core';
import { codeFor } from '../support/browser.js';
import { jsonCall } from '../support/http-json.js';
import { type Journey, signedIn, signInWithPassword, startJourney, step } from '../support/journey.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { completeRecovery, followRecoveryLink, type Phone, recoveryEmailTo, unspentCode } from '../support/recovery.js';
import { DISTANT_DEADLINE, helpdeskToken } from '../support/sidecar-realm.js';
import { linkIn } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';
import { eventually } from '../support/wait.js';

let journey: Journey;
let token: string;
let page: Page;
let kcPages: KeycloakPages;
let userId: string;
let newPhone: Phone;

beforeAll(async () => {
  journey = await startJourney('lost-phone', { policy: { enforcement: DISTANT_DEADLINE } });
  userId = await createTestUser(journey.kc, journey.target.realm, 'rosa', {
    credentials: [otpCredential('Old phone', SECRET_A, Date.UTC(2025, 5, 1))],
  });
  token = await helpdeskToken(journey.kc, journey.kut, journey.target.realm);
  await journey.sidecar.mirror.syncUser(userId);
  page = await (await journey.browser.newContext()).newPage();
  kcPages = new KeycloakPages(page);
});

afterAll(() => journey?.close());

const otpLabels = async () =>
  (await journey.kc.users.getCredentials({ realm: journey.target.realm, id: userId }))
    .filter((c) => c.type === 'otp')
    .map((c) => c.userLabel);

test('the lost-phone page, the email link, a new phone, then a sign-in with the password and the new phone', async () => {
  const sidecarUrl = journey.sidecar.url;
  await step(journey, [page], 'ask-for-a-link', async () => {
    await page.goto(`${sidecarUrl}/recovery`);
    await page.fill('#identifier', 'rosa@example.org');
    await page.getByRole('button', { name: 'Send me a recovery link' }).click();
    await kcPages.waitForText('If an account matches, an email with a recovery link is on its way.');
  });
  const email = await recoveryEmailTo(journey.mail, 'rosa@example.org');
  // Nothing is removed at request time.
  expect(await otpLabels()).toEqual(['Old phone']);

  await step(journey, [page], 'new-phone', async () => {
    newPhone = await followRecoveryLink(page, linkIn(email), 'New phone');
    // Until the sign-in below proves it, the new phone is pending and the old one stays.
    expect((await otpLabels()).sort()).toEqual(['New phone', 'Old phone']);
  });

  await step(journey, [page], 'back-to-application-and-sign-in', async () => {
    const back = await kcPages.backToApplicationHref();
    expect(back).toBe(`${sidecarUrl}/recovery/complete`);
    await eventually(
      () =>
        journey.sidecar.db.query(
          'select 1 from recovery_requests where user_id = $1 and pending_credential_id is not null',
          [userId],
        ),
      (rows) => rows.length === 1,
    );
    expect(await completeRecovery(page, sidecarUrl, 'rosa', passwordOf('rosa'), newPhone, 'New phone')).toBe(
      'Recovery complete',
    );
  });

  await step(journey, [page], 'old-device-retired', async () => {
    expect(await otpLabels()).toEqual(['New phone']);
    const devices = await eventually(
      async () => (await jsonCall(`${sidecarUrl}/api/v1/users/rosa/devices`, { token })).body.devices,
      (d: { label: string; removedAt: string | null }[]) => d.some((x) => x.label === 'Old phone' && x.removedAt),
    );
    expect(devices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ label: 'New phone', removedAt: null }),
        expect.objectContaining({ label: 'Old phone', removedAt: expect.any(String) }),
      ]),
    );
    await journey.mail.waitFor(
      (m) => m.to.includes('rosa@example.org') && m.subject.startsWith('A new authenticator was added'),
    );
    const removal = await journey.mail.waitFor(
      (m) => m.to.includes('rosa@example.org') && m.subject.startsWith('Your old authenticators were removed'),
    );
    expect(removal.text).toContain('"Old phone"');
  });
}, 120_000);

test('the password and the new phone sign the user in; the old phone does not', async () => {
  const context = await journey.browser.newContext();
  const fresh = await context.newPage();
  await step(journey, [fresh], 'sign-in-again', async () => {
    const login = await signInWithPassword(journey, fresh, 'rosa', passwordOf('rosa'));
    // The old phone's codes are refused.
    await login.enterOtp(await codeFor({ secret: SECRET_A }));
    expect(await login.errorOf('otp')).toBe('Invalid authenticator code.');
    // A second failure within quickLoginCheckMilliSeconds (1 s) would lock the account for a minute
    // (DefaultBruteForceProtector), so a person's pause; then a code of the new phone not spent at setup
    // or at /recovery/complete.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await login.enterOtp(await unspentCode(newPhone));
    await signedIn(fresh);
  });
  await context.close();
});
