/**
 * Issue 19, attack 6 — password-only staff. The attacker holds one thing: a helpdesk member's password
 * (phished or guessed). The member has no OTP device yet — the realm's enforcement deadline is still
 * far away (the same holds for a member of an exempt group). With the password alone the attacker tries
 * the helpdesk API (an access token by the password grant) and the helpdesk page (Keycloak's sign-in,
 * password only): both refuse with `second_factor_required`; no session is opened, nothing is reset.
 * A colleague who signs in with password + one-time code is let in (Keycloak's `acr` for the realm's
 * two-factor level, asked for with `acr_values`).
 */
import { jsonCall } from '../support/http-json.js';
import { DISTANT_DEADLINE, grantRealmRoles, realmToken } from '../support/sidecar-realm.js';
import { kc, kut, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { allowHelpdeskRedirect, signInToHelpdesk } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';

const ids = { pat: '', sam: '', una: '' };

useSidecarRealm({ enforcement: DISTANT_DEADLINE }, 'attack6', {
  populate: async () => {
    // pat: helpdesk member without a device (before the deadline); sam: helpdesk member with one.
    ids.pat = await createTestUser(kc, target.realm, 'pat');
    ids.sam = await createTestUser(kc, target.realm, 'sam', { credentials: [otpCredential('Staff phone', SECRET_B)] });
    ids.una = await createTestUser(kc, target.realm, 'una', { credentials: [otpCredential('Pixel 8', SECRET_A)] });
    await grantRealmRoles(kc, target.realm, ids.pat, ['otp-helpdesk', 'otp-helpdesk-admin']);
    await grantRealmRoles(kc, target.realm, ids.sam, ['otp-helpdesk']);
  },
});
beforeAll(async () => {
  await allowHelpdeskRedirect(kc, target.realm, sidecar.url);
});

const unaDevices = async () =>
  (await kc.users.getCredentials({ realm: target.realm, id: ids.una })).filter((c) => c.type === 'otp');

test('the API refuses a token from the password alone, for reading and for a reset', async () => {
  const token = await realmToken(kut, target.realm, 'pat', passwordOf('pat'));
  const search = await jsonCall(`${sidecar.url}/api/v1/helpdesk/users?search=una`, { token });
  expect(search).toMatchObject({ status: 403, body: { error: 'second_factor_required' } });
  const reset = await jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${ids.una}/reset-otp`, {
    token,
    method: 'POST',
    json: { reason: 'Caller lost the phone on a trip', ticket: 'INC-1001', verification: 'none' },
  });
  expect(reset).toMatchObject({ status: 403, body: { error: 'second_factor_required' } });
  expect((await unaDevices()).map((d) => d.userLabel)).toEqual(['Pixel 8']);
  const audit = await sidecar.db.query('select 1 from audit_log where actor_id = $1 and result = $2', [ids.pat, 'ok']);
  expect(audit).toEqual([]);
});

test('the page opens no session for a sign-in with the password alone', async () => {
  const attempt = await signInToHelpdesk(sidecar.url, 'pat', passwordOf('pat'));
  // Keycloak may keep asking (for a code, or to set up a device) or return a password-only sign-in,
  // which the sidecar then refuses: either way the attacker holds no session.
  if (attempt.returned) expect(attempt.callbackStatus).toBe(403);
  expect(attempt.session).toBeUndefined();
  const page = await fetch(`${sidecar.url}/helpdesk`, { redirect: 'manual', headers: { cookie: cookieOf(attempt) } });
  expect(page.status).toBe(302);
});

test('a sign-in with password and one-time code is let in (the realm’s two-factor level)', async () => {
  const signedIn = await signInToHelpdesk(sidecar.url, 'sam', passwordOf('sam'), SECRET_B);
  expect(signedIn).toMatchObject({ returned: true, callbackStatus: 302 });
  expect(signedIn.session).toBeDefined();
  const response = await fetch(`${sidecar.url}/api/v1/helpdesk/users?search=una`, {
    headers: { cookie: `otp_helpdesk_session=${signedIn.session}` },
  });
  expect(response.status).toBe(200);
});

const cookieOf = (attempt: { session?: string }) => (attempt.session ? `otp_helpdesk_session=${attempt.session}` : '');
