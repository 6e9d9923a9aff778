/**
 * A forced sign-in keeps the browser's SSO session (AuthenticationProcessor#attachSession): with `prompt=login`
 * the same user signs in again with the password, the session (`sid`) stays the same, and its AUTH_TIME note —
 * the tokens' `auth_time` — is the new sign-in's; a later SSO sign-in keeps that `auth_time`.
 */
import { LoginRobot } from '../support/login-robot.js';
import { passwordOf } from '../support/users.js';
import { authorizeUrl, createFlowsRealm, createUser, kc, useFlowsLab } from './kc26-flows-lab.js';
import { idTokenOf } from './kc26-loa-lab.js';

useFlowsLab();

let realm: string;

beforeAll(async () => {
  realm = await createFlowsRealm('forced-sign-in');
});

const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

test('prompt=login keeps the sid and renews auth_time; an SSO sign-in keeps both', async () => {
  const id = await createUser(realm, 'una');
  const robot = new LoginRobot();
  await robot.open(authorizeUrl(realm));
  await robot.submit({ username: 'una', password: passwordOf('una') });
  const first = await idTokenOf(realm, robot);

  await nextSecond();
  await robot.open(`${authorizeUrl(realm)}&prompt=login`);
  expect(robot.page.html).toContain('name="password"');
  await robot.submit({ username: 'una', password: passwordOf('una') });
  const forced = await idTokenOf(realm, robot);
  expect(forced.sid).toBe(first.sid);
  expect(forced.auth_time).toBeGreaterThan(first.auth_time as number);
  expect((await kc.users.listSessions({ realm, id })).map((s) => s.id)).toEqual([first.sid]);

  await nextSecond();
  await robot.open(authorizeUrl(realm));
  const sso = await idTokenOf(realm, robot);
  expect([sso.sid, sso.auth_time]).toEqual([first.sid, forced.auth_time]);
});
