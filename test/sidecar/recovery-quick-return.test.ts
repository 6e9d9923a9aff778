/**
 * A user quicker than the event poll: the new phone's device is bound to its recovery when the sidecar reads
 * Keycloak's event of it. Here the scheduled poll is an hour away, so only the proof's own reading of the
 * events (recovery-api.ts) can bind it: the user who signs in right after the setup still completes.
 */
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { completeRecovery, followRecoveryLink, recoveryEmailTo, requestRecovery } from '../support/recovery.js';
import { DISTANT_DEADLINE } from '../support/sidecar-realm.js';
import { kc, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { linkIn } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';

let browser: Browser;
let userId = '';

useSidecarRealm({ enforcement: DISTANT_DEADLINE }, 'quick-return', {
  populate: async () => {
    userId = await createTestUser(kc, target.realm, 'quinn', { credentials: [otpCredential('Old phone', SECRET_A)] });
  },
  env: () => ({ EVENT_POLL_INTERVAL_SECONDS: '3600' }),
});
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

test('the proving sign-in right after the setup binds the new phone and completes the recovery', async () => {
  await requestRecovery(sidecar.url, 'quinn');
  const email = await recoveryEmailTo(mail, 'quinn@example.org');
  const page = await (await browser.newContext()).newPage();
  const phone = await followRecoveryLink(page, linkIn(email), 'New phone');
  // No scheduled poll has run since the setup: nothing is bound yet.
  expect(
    await sidecar.db.query('select 1 from recovery_requests where user_id = $1 and pending_credential_id is not null', [
      userId,
    ]),
  ).toEqual([]);
  expect(await completeRecovery(page, sidecar.url, 'quinn', passwordOf('quinn'), phone, 'New phone')).toBe(
    'Recovery complete',
  );
  const labels = (await kc.users.getCredentials({ realm: target.realm, id: userId }))
    .filter((c) => c.type === 'otp')
    .map((c) => c.userLabel);
  expect(labels).toEqual(['New phone']);
  await page.context().close();
}, 60_000);
