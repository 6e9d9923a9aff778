/**
 * Issue 19, staff sessions: a write asks Keycloak about the actor again — an account disabled, signed out
 * or stripped of the helpdesk role mid-session is refused at its next write, though its page session
 * still holds a token that says otherwise. "Sign out" ends the Keycloak session too (RP-initiated logout
 * with the session's ID token as hint: no confirmation page).
 */
import { DISTANT_DEADLINE, grantRealmRoles } from '../support/sidecar-realm.js';
import { kc, kut, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { allowHelpdeskRedirect, pageCsrf, signInToHelpdesk } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';

let una = '';

useSidecarRealm({ enforcement: DISTANT_DEADLINE }, 'recheck', {
  populate: async () => {
    una = await createTestUser(kc, target.realm, 'una', { credentials: [otpCredential('Pixel 8', SECRET_A)] });
  },
});
beforeAll(async () => {
  await allowHelpdeskRedirect(kc, target.realm, sidecar.url);
});

/** A helpdesk member with a device, signed in to the page with password and code. */
const staffSession = async (username: string) => {
  const id = await createTestUser(kc, target.realm, username, { credentials: [otpCredential('Phone', SECRET_B)] });
  await grantRealmRoles(kc, target.realm, id, ['otp-helpdesk']);
  const signIn = await signInToHelpdesk(sidecar.url, username, passwordOf(username), SECRET_B);
  const session = signIn.session as string;
  expect(session).toBeDefined();
  const csrf = (await pageCsrf(sidecar.url, session)) as string;
  expect(csrf).toBeDefined();
  /** a write (empty, so the helpdesk would refuse it for its content once past the checks) */
  const write = async () => {
    const response = await fetch(`${sidecar.url}/api/v1/helpdesk/users/${una}/reset-otp`, {
      method: 'POST',
      headers: { cookie: `otp_helpdesk_session=${session}`, 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: '{}',
    });
    return { status: response.status, error: ((await response.json()) as { error?: string }).error };
  };
  // Before anything changes, the write gets past who-may-call: the helpdesk itself answers (bad input).
  expect(await write()).toMatchObject({ status: 400 });
  return { id, signIn, session, csrf, write };
};

test('a staff member disabled in Keycloak is refused at the next write', async () => {
  const staff = await staffSession('dana');
  await kc.users.update({ realm: target.realm, id: staff.id }, { enabled: false });
  expect(await staff.write()).toEqual({ status: 401, error: 'staff_disabled' });
});

test('a staff member whose Keycloak session ended is refused at the next write', async () => {
  const staff = await staffSession('lou');
  await kc.users.logout({ realm: target.realm, id: staff.id });
  expect(await staff.write()).toEqual({ status: 401, error: 'session_ended' });
});

test('a staff member who lost the helpdesk role is refused at the next write', async () => {
  const staff = await staffSession('rui');
  const role = await kc.roles.findOneByName({ realm: target.realm, name: 'otp-helpdesk' });
  await kc.users.delRealmRoleMappings({
    realm: target.realm,
    id: staff.id,
    roles: [{ id: role?.id as string, name: 'otp-helpdesk' }],
  });
  expect(await staff.write()).toEqual({ status: 403, error: 'forbidden' });
});

test('"Sign out" ends the Keycloak session too, without a confirmation page', async () => {
  const staff = await staffSession('kai');
  expect(await kc.users.listSessions({ realm: target.realm, id: staff.id })).toHaveLength(1);
  const { robot } = staff.signIn;
  const form = await robot.post(`${sidecar.url}/helpdesk/logout`, { csrf: staff.csrf });
  // The sidecar answers with a form posting the ID token to Keycloak's end-session endpoint (not in a URL).
  expect(form.html).toContain('name="id_token_hint"');
  expect(robot.formAction()).toBe(`${kut.baseUrl}/realms/${target.realm}/protocol/openid-connect/logout`);
  const logout = await robot.submit({});
  // Keycloak ended its session without asking and sent the browser straight back to the page.
  expect(logout.url).toBe(`${sidecar.url}/helpdesk/signed-out`);
  expect(await kc.users.listSessions({ realm: target.realm, id: staff.id })).toEqual([]);
  expect(await staff.write()).toMatchObject({ status: 401 });
});
