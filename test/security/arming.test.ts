/**
 * Attack 3 of issue 19 — arming. The attacker holds one stolen session of the victim (a phishing proxy
 * relayed the victim's password and code) and nothing else. Before: an anonymous recovery request for the
 * victim opened a 60-minute window in which *any* added device retired all the others, so the attacker
 * asked for a recovery, added his own device through the application-initiated action
 * `kc_action=CONFIGURE_TOTP`, and the victim's device was deleted. Now a request arms nothing: only the
 * device made through the recovery link (the recovery client's event) counts, and only after proof.
 */
import type { Page } from 'playwright-core';
import { codeFor } from '../support/browser.js';
import { journey, otpLabelsOf, signedIn, signInWithPassword, useJourney, userWithDevice } from '../support/journey.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { requestRecovery } from '../support/recovery.js';
import { DISTANT_DEADLINE } from '../support/sidecar-realm.js';
import { passwordOf, SECRET_A } from '../support/users.js';
import { eventually } from '../support/wait.js';

let victim: string;
let page: Page;

useJourney('arming', { policy: { enforcement: DISTANT_DEADLINE } }, async () => {
  victim = await userWithDevice('vera', 'Vera phone');
  page = await (await journey.browser.newContext()).newPage();
});

const otpLabels = () => otpLabelsOf(victim);

test('a recovery request, then a device added through the stolen session: the victim’s device stays', async () => {
  // The stolen session: the attacker's browser holds the victim's SSO session.
  const login = await signInWithPassword(journey, page, 'vera', passwordOf('vera'));
  await login.enterOtp(await codeFor({ secret: SECRET_A }));
  await signedIn(page);

  // "Arming": an anonymous recovery request for the victim.
  expect((await requestRecovery(journey.sidecar.url, 'vera')).status).toBe(202);
  await new Promise((r) => setTimeout(r, 1_500));

  // The attacker adds his device through the application-initiated action, in the stolen session.
  await page.goto(`${journey.app.authorizeUrl()}&kc_action=CONFIGURE_TOTP`);
  const pages = new KeycloakPages(page);
  await pages.configureOtp({ deviceName: 'Attacker phone' });
  await signedIn(page);

  // The sidecar sees the new device (the owner is told) and retires nothing.
  await eventually(
    () =>
      journey.sidecar.db.query('select 1 from otp_devices where user_id = $1 and label = $2', [
        victim,
        'Attacker phone',
      ]),
    (rows) => rows.length === 1,
  );
  await new Promise((r) => setTimeout(r, 6_000)); // event polls and a housekeeping run
  await journey.sidecar.recovery.completePending();
  expect(await otpLabels()).toEqual(['Attacker phone', 'Vera phone']);
  const [mirrored] = await journey.sidecar.db.query<{ removed_at: Date | null }>(
    'select removed_at from otp_devices where user_id = $1 and label = $2',
    [victim, 'Vera phone'],
  );
  expect(mirrored?.removed_at).toBeNull();
}, 90_000);
