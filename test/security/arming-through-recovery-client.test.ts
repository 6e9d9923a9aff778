/**
 * Attack 3 of issue 19, through the recovery client. The attacker holds one stolen session of the victim and
 * the password (a phishing proxy), not the mailbox. The sidecar counts the device whose `UPDATE_CREDENTIAL`
 * event names the link client `otp-recovery`; when that client also signed browsers in, the attacker asked
 * for a recovery (anonymous), opened the authorization endpoint for `otp-recovery` with
 * `kc_action=CONFIGURE_TOTP` in the stolen session, set up his own device (its event named `otp-recovery`),
 * signed in at `/recovery/complete` with the password and his code, and the victim's device was retired.
 * Now the link client has the standard flow off (Keycloak refuses its authorization requests: only the emailed
 * action token opens a session for it) and `/recovery/complete` signs in through `otp-recovery-signin`,
 * whose events never count.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { codeFor } from '../support/browser.js';
import { journey, otpLabelsOf, signedIn, signInWithPassword, useJourney, userWithDevice } from '../support/journey.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { type Phone, requestRecovery, unspentCode } from '../support/recovery.js';
import { DISTANT_DEADLINE } from '../support/sidecar-realm.js';
import { passwordOf, SECRET_A } from '../support/users.js';

let victim: string;
let page: Page;

useJourney('arming-recovery-client', { policy: { enforcement: DISTANT_DEADLINE } }, async () => {
  victim = await userWithDevice('vic', 'Vic phone');
  page = await (await journey.browser.newContext()).newPage();
});

const otpLabels = () => otpLabelsOf(victim);

/** An authorization request for the link client, as the attacker types it (PKCE, back to /recovery/complete). */
const linkClientAuthorizeUrl = () => {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    client_id: 'otp-recovery',
    redirect_uri: `${journey.sidecar.url}/recovery/complete`,
    response_type: 'code',
    scope: 'openid',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    kc_action: 'CONFIGURE_TOTP',
  });
  return `${journey.kut.baseUrl}/realms/${journey.target.realm}/protocol/openid-connect/auth?${params}`;
};

test('a device set up through the link client in a stolen session never retires the victim’s device', async () => {
  // The stolen session: the attacker's browser holds the victim's SSO session.
  const login = await signInWithPassword(journey, page, 'vic', passwordOf('vic'));
  await login.enterOtp(await codeFor({ secret: SECRET_A }));
  await signedIn(page);

  // An anonymous recovery request for the victim: the link goes to the victim's mailbox, not to the attacker.
  expect((await requestRecovery(journey.sidecar.url, 'vic')).status).toBe(202);
  await new Promise((r) => setTimeout(r, 1_500));

  // The attacker opens the link client's authorization endpoint with kc_action=CONFIGURE_TOTP.
  await page.goto(linkClientAuthorizeUrl());
  const pages = new KeycloakPages(page);
  const setupOffered = await page
    .locator('#kc-totp-secret-qr-code')
    .waitFor({ timeout: 5_000 })
    .then(() => true)
    .catch(() => false);
  if (setupOffered) {
    // What used to happen: his device, made "through otp-recovery", then the proving sign-in with the password.
    const secret = await pages.configureOtp({ deviceName: 'Attacker phone' });
    const phone = { secret, spent: [Math.floor(Date.now() / 30_000)] } as Phone;
    await page.waitForURL((url) => url.pathname.endsWith('/recovery/complete'), { timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 3_000)); // the event poll binds the device
    await page.goto(`${journey.sidecar.url}/recovery/complete`);
    await page.getByRole('link', { name: 'Continue to sign-in' }).click();
    await pages.signIn('vic', passwordOf('vic'));
    if ((await pages.devices()).length > 1) await pages.chooseDevice('Attacker phone');
    await pages.enterOtp(await unspentCode(phone));
    await page.waitForURL((url) => url.pathname.endsWith('/recovery/complete'), { timeout: 15_000 });
    await journey.sidecar.recovery.completePending();
  } else {
    // Keycloak refuses the request (standard flow off) and sends the browser back with the error.
    const back = new URL(page.url());
    expect(back.pathname).toBe('/recovery/complete');
    expect(back.searchParams.get('error')).toBe('unauthorized_client');
    expect(back.searchParams.get('error_description')).toBe(
      'Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client.',
    );
  }

  expect(await otpLabels()).toContain('Vic phone');
  expect(await otpLabels()).not.toContain('Attacker phone');
  const [mirrored] = await journey.sidecar.db.query<{ removed_at: Date | null }>(
    'select removed_at from otp_devices where user_id = $1 and label = $2',
    [victim, 'Vic phone'],
  );
  expect(mirrored?.removed_at).toBeNull();
}, 120_000);
