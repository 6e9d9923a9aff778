/**
 * Email links as Keycloak 26 runs them (contract §11 "execute-actions-email link", "Link in another
 * browser", "Reset link"; verified in LoginActionsService#handleActionToken,
 * ExecuteActionsActionTokenHandler, base theme info.ftl, messages_en.properties). Each test drives the
 * pages over plain HTTP, as a browser would, so it holds on a real Keycloak too.
 */
import { LoginRobot } from '../support/login-robot.js';
import {
  app,
  BACK_TO_APPLICATION,
  createUser,
  emailTo,
  eventTypes,
  forgotPassword,
  hrefOf,
  kc,
  PROCEED,
  realm,
  sendExecuteActions,
  setPassword,
  setUpDevice,
  useLinksLab,
  visibleText,
} from './kc26-links-lab.js';

useLinksLab();

const otpLabels = async (id: string) =>
  (await kc.users.getCredentials({ realm, id }))
    .filter((c) => c.type === 'otp')
    .map((c) => c.userLabel)
    .sort();

describe('execute-actions-email link (ExecuteActionsActionTokenHandler)', () => {
  test('the mailed link carries only the key (UserResource: actionTokenProcessor + key)', async () => {
    const id = await createUser('ann');
    await sendExecuteActions(id);
    const link = new URL(await emailTo('ann', 'Update Your Account'));
    expect(link.pathname).toBe(`/realms/${realm}/login-actions/action-token`);
    expect([...link.searchParams.keys()]).toEqual(['key']);
  });

  test('opening it shows "Perform the following action(s)" and only "» Click here to proceed" starts them', async () => {
    const id = await createUser('bob');
    await sendExecuteActions(id, { redirectUri: app.redirectUri });
    const robot = new LoginRobot();
    const page = await robot.open(await emailTo('bob', 'Update Your Account'));
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).toContain('Perform the following action(s): Configure OTP, Update Password');
    expect(page.html).not.toContain('name="totp"'); // nothing started yet
    await robot.follow(PROCEED);
    expect(robot.page.html).toContain('kc-totp-secret');
    await setUpDevice(robot, 'New phone');
    const last = await setPassword(robot, 'bob-new-password');
    // END_AFTER_REQUIRED_ACTIONS with SET_REDIRECT_URI_AFTER_REQUIRED_ACTIONS: info page, back link to the app.
    expect(visibleText(last.html)).toContain('Your account has been updated.');
    expect(hrefOf(last.html, BACK_TO_APPLICATION)).toBe(app.redirectUri);
    expect(app.callbacks).toEqual([]);
    expect(await otpLabels(id)).toEqual(['Lost phone', 'New phone']);
    // No user session, no LOGIN; the actions' own events and no EXECUTE_ACTION_TOKEN / EXECUTE_ACTIONS success.
    expect(await kc.users.listSessions({ realm, id })).toEqual([]);
    const types = await eventTypes(id);
    expect(types).toEqual(expect.arrayContaining(['UPDATE_CREDENTIAL', 'UPDATE_PASSWORD']));
    for (const absent of ['LOGIN', 'EXECUTE_ACTION_TOKEN', 'EXECUTE_ACTIONS']) expect(types).not.toContain(absent);
  });

  test('without redirect_uri the link belongs to the client "account" and ends with no back link', async () => {
    const id = await createUser('cid');
    await sendExecuteActions(id, { actions: ['UPDATE_PASSWORD'] });
    const link = await emailTo('cid', 'Update Your Account');
    const robot = new LoginRobot();
    await robot.open(link);
    expect(visibleText(robot.page.html)).toContain('Perform the following action(s): Update Password');
    const proceed = new URL(hrefOf(robot.page.html, new RegExp(PROCEED)) ?? '', link);
    expect(proceed.searchParams.get('client_id')).toBe('account');
    await robot.follow(PROCEED);
    const last = await setPassword(robot, 'cid-new-password');
    expect(visibleText(last.html)).toContain('Your account has been updated.');
    expect(hrefOf(last.html, BACK_TO_APPLICATION)).toBeUndefined();
  });
});

describe('reset link (ResetCredentialsActionTokenHandler)', () => {
  test('in another browser it runs the actions and ends on the info page: no session, no LOGIN', async () => {
    const id = await createUser('dan');
    const link = await forgotPassword(new LoginRobot(), 'dan');
    const other = new LoginRobot();
    await other.open(link);
    await setUpDevice(other, 'New phone');
    const last = await setPassword(other, 'dan-new-password');
    expect(visibleText(last.html)).toContain('Your account has been updated.');
    expect(app.callbacks.filter((c) => c.get('code'))).toEqual([]);
    expect(await kc.users.listSessions({ realm, id })).toEqual([]);
    const types = await eventTypes(id);
    expect(types).toEqual(expect.arrayContaining(['SEND_RESET_PASSWORD', 'UPDATE_PASSWORD']));
    for (const absent of ['LOGIN', 'RESET_PASSWORD', 'EXECUTE_ACTION_TOKEN']) expect(types).not.toContain(absent);
  });

  test('in the browser that asked, it continues that login and signs in to the application (LOGIN)', async () => {
    const id = await createUser('eve');
    const robot = new LoginRobot();
    const link = await forgotPassword(robot, 'eve');
    await robot.open(link);
    await setUpDevice(robot, 'New phone');
    const last = await setPassword(robot, 'eve-new-password');
    expect(last.url.startsWith(app.redirectUri)).toBe(true);
    const code = new URL(last.url).searchParams.get('code');
    expect((await app.exchange(code ?? '')).status).toBe(200);
    expect(await eventTypes(id)).toContain('LOGIN');
  });

  test("the application's scope, nonce and state survive the reset: the ID token carries the nonce", async () => {
    await createUser('fay');
    const robot = new LoginRobot();
    const authorize = new URL(app.authorizeUrl({ scope: 'openid email' }));
    authorize.searchParams.set('nonce', 'n-0S6_WzA2Mj');
    const state = authorize.searchParams.get('state');
    const link = await forgotPassword(robot, 'fay', authorize.toString());
    await robot.open(link);
    await setUpDevice(robot, 'New phone');
    const last = await setPassword(robot, 'fay-new-password');
    const callback = new URL(last.url).searchParams;
    expect(callback.get('state')).toBe(state);
    const tokens = await app.exchange(callback.get('code') ?? '');
    expect(tokens.status).toBe(200);
    expect(tokens.json.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));
    const idToken = JSON.parse(Buffer.from(String(tokens.json.id_token).split('.')[1] ?? '', 'base64url').toString());
    expect(idToken.nonce).toBe('n-0S6_WzA2Mj');
    expect(idToken.email).toBe('fay@example.org');
  });
});
