/**
 * Issue 19 follow-up: an offline token outlives "signed out everywhere else". The attacker holds one stolen
 * session's worth of the victim's factors (password and one phished code), signs in to the application in his
 * own browser with scope `offline_access` and keeps the offline refresh token. Keycloak keeps offline sessions
 * apart from the online ones: ending the user's online sessions (a completed recovery) leaves them. Now the
 * sidecar also ends the user's offline sessions when a recovery completes and when the helpdesk resets the
 * account, so the attacker's refresh is refused (`invalid_grant`).
 * Before the fix the refresh after the recovery succeeded: the test fails at "refused after the recovery".
 */
import type { Browser } from 'playwright-core';
import { codeFor } from '../support/browser.js';
import { allowEnrolmentAttribute, verificationFor } from '../support/helpdesk-verification.js';
import { jsonCall } from '../support/http-json.js';
import { journey, signedIn, step, useJourney, userWithDevice } from '../support/journey.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { completeRecovery, followRecoveryLink, recoveryEmailTo } from '../support/recovery.js';
import { DISTANT_DEADLINE, helpdeskToken } from '../support/sidecar-realm.js';
import { linkIn } from '../support/smtp.js';
import { passwordOf, SECRET_A } from '../support/users.js';
import { eventually } from '../support/wait.js';

let staff: string;

useJourney('offline-token-survives-recovery', { policy: { enforcement: DISTANT_DEADLINE } }, async () => {
  await allowEnrolmentAttribute(journey.kc, journey.target.realm);
  staff = await helpdeskToken(journey.kc, journey.kut, journey.target.realm);
});

const refresh = async (refreshToken: string) => {
  const response = await fetch(`${journey.kut.baseUrl}/realms/${journey.target.realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'journey-app', refresh_token: refreshToken }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
};

const typOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).typ;

/** The thief, in his own browser: the victim's password and a phished code; he asks for an offline token. */
const thiefTakesOfflineToken = async (browser: Browser, username: string): Promise<string> => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    return await step(journey, [page], `${username}-thief-signs-in`, async () => {
      await page.goto(journey.app.authorizeUrl({ scope: 'openid offline_access' }));
      const pages = new KeycloakPages(page);
      await pages.signIn(username, passwordOf(username));
      await pages.enterOtp(await codeFor({ secret: SECRET_A }));
      await signedIn(page);
      const exchanged = await journey.app.exchange(new URL(page.url()).searchParams.get('code') as string);
      expect(exchanged.status).toBe(200);
      const token = exchanged.json.refresh_token as string;
      expect(typOf(token)).toBe('Offline');
      // It works, and keeps working after his browser's session is gone.
      const renewed = await refresh(token);
      expect(renewed.status).toBe(200);
      return renewed.json.refresh_token as string;
    });
  } finally {
    await context.close();
  }
};

test('the owner recovers from a lost phone: the thief offline token is refused', async () => {
  await userWithDevice('olga', 'Olga phone');
  const offline = await thiefTakesOfflineToken(journey.browser, 'olga');

  const context = await journey.browser.newContext();
  const page = await context.newPage();
  await step(journey, [page], 'owner-recovers', async () => {
    await page.goto(`${journey.sidecar.url}/recovery`);
    await page.fill('#identifier', 'olga@example.org');
    await page.getByRole('button', { name: 'Send me a recovery link' }).click();
    await new KeycloakPages(page).waitForText('If an account matches, an email with a recovery link is on its way.');
    const phone = await followRecoveryLink(
      page,
      linkIn(await recoveryEmailTo(journey.mail, 'olga@example.org')),
      'New phone',
    );
    await eventually(
      () => journey.sidecar.db.query('select 1 from recovery_requests where pending_credential_id is not null'),
      (rows) => rows.length === 1,
    );
    expect(await completeRecovery(page, journey.sidecar.url, 'olga', passwordOf('olga'), phone, 'New phone')).toBe(
      'Recovery complete',
    );
  });

  // Refused after the recovery: the offline session is gone, not only the online ones.
  const after = await refresh(offline);
  expect([after.status, after.json.error]).toEqual([400, 'invalid_grant']);
  await context.close();
}, 120_000);

test('the helpdesk resets the account: the thief offline token is refused', async () => {
  const victim = await userWithDevice('pia', 'Pia phone');
  const offline = await thiefTakesOfflineToken(journey.browser, 'pia');

  const verification = await verificationFor(journey.sidecar.url, staff, journey.mail, victim, 'pia@example.org');
  const reset = await jsonCall(`${journey.sidecar.url}/api/v1/helpdesk/users/${victim}/reset-otp`, {
    token: staff,
    method: 'POST',
    json: { reason: 'Caller says the phone was stolen', ticket: 'HD-7001', verification },
  });
  expect(reset.status).toBe(200);

  const after = await refresh(offline);
  expect([after.status, after.json.error]).toEqual([400, 'invalid_grant']);
}, 120_000);
