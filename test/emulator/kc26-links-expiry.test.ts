/**
 * Single use, expiry and lifespans of email links as Keycloak 26 has them (contract §11 "Single use and
 * expiry"; verified in LoginActionsService#handleActionToken and #executeActionTokenHead,
 * LoginActionsServiceChecks#checkTokenWasNotUsedYet, messages_en.properties `expiredActionMessage`,
 * `expiredActionTokenSessionExistsMessage`, `expiredActionTokenNoSessionMessage`; lifespans in
 * RealmModel#getActionTokenGeneratedByUserLifespan(String) and UserResource#executeActionsEmail).
 */
import { http } from '../support/keycloak.js';
import { LoginRobot } from '../support/login-robot.js';
import {
  createUser,
  emailTo,
  forgotPassword,
  kc,
  kut,
  PROCEED,
  realm,
  sendExecuteActions,
  setPassword,
  setUpDevice,
  useLinksLab,
  visibleText,
} from './kc26-links-lab.js';

useLinksLab();

const USED_UP = 'Action expired. Please continue with login now.';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a token is used up only when all its actions are finished', () => {
  test('reopened in the same browser before the end, the reset continues; after the end it is "Action expired…"', async () => {
    await createUser('gus');
    const robot = new LoginRobot();
    const link = await forgotPassword(robot, 'gus');
    await robot.open(link);
    expect(robot.page.html).toContain('kc-totp-secret');
    await robot.open(link);
    expect(robot.page.html).toContain('kc-totp-secret');
    await setUpDevice(robot, 'New phone');
    await setPassword(robot, 'gus-new-password');
    await robot.open(link);
    expect(visibleText(robot.page.html)).toContain(USED_UP);
  });

  test('opened in another browser before the end, the actions start over; once finished the link is used up', async () => {
    const id = await createUser('hal');
    await sendExecuteActions(id);
    const link = await emailTo('hal', 'Update Your Account');
    const first = new LoginRobot();
    await first.open(link);
    await first.follow(PROCEED);
    await setUpDevice(first, 'Phone one');
    const second = new LoginRobot();
    await second.open(link);
    expect(visibleText(second.page.html)).toContain('Perform the following action(s)');
    await second.follow(PROCEED);
    expect(second.page.html).toContain('kc-totp-secret');
    await setUpDevice(second, 'Phone two');
    const last = await setPassword(second, 'hal-new-password');
    expect(visibleText(last.html)).toContain('Your account has been updated.');
    const third = new LoginRobot();
    const page = await third.open(link);
    expect(page.status).toBe(400);
    expect(visibleText(page.html)).toContain(USED_UP);
  });

  test('HEAD on the link answers 200 and uses nothing up (executeActionTokenHead)', async () => {
    const id = await createUser('ida');
    await sendExecuteActions(id, { actions: ['UPDATE_PASSWORD'] });
    const link = await emailTo('ida', 'Update Your Account');
    const head = await fetch(link, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const robot = new LoginRobot();
    await robot.open(link);
    await robot.follow(PROCEED);
    const last = await setPassword(robot, 'ida-new-password');
    expect(visibleText(last.html)).toContain('Your account has been updated.');
  });
});

describe('expired links and per-action lifespans', () => {
  // Each test sets the attribute of a type no later test in this file sends.
  const setAttribute = (name: string, value: string) =>
    http(kut, `/admin/realms/${realm}`, {
      method: 'PUT',
      token: kc.accessToken,
      json: { attributes: { [name]: value } },
    });

  test('`actionTokenGeneratedByUserLifespan.reset-credentials` shortens the reset link; expired, the asking browser starts again', async () => {
    await createUser('jon');
    expect((await setAttribute('actionTokenGeneratedByUserLifespan.reset-credentials', '1')).status).toBe(204);
    expect((await kc.realms.findOne({ realm }))?.actionTokenGeneratedByUserLifespan).toBe(300);
    const robot = new LoginRobot();
    const link = await forgotPassword(robot, 'jon');
    await pause(2100);
    // The browser that asked: the login restarts at the sign-in page (resetFlow to the authenticate path).
    await robot.open(link);
    expect(visibleText(robot.page.html)).toContain('Action expired. Please start again.');
    expect(robot.page.html).toContain('name="password"');
    // Any other browser: the error page.
    const page = await new LoginRobot().open(link);
    expect(page.status).toBe(400);
    expect(visibleText(page.html)).toContain('Action expired.');
    expect(visibleText(page.html)).not.toContain('Please start again');
  });

  test("execute-actions-email: `lifespan` sets the link's life; the per-type user attributes do not apply to it", async () => {
    const id = await createUser('kim');
    expect((await setAttribute('actionTokenGeneratedByUserLifespan.execute-actions', '1')).status).toBe(204);
    await sendExecuteActions(id, { actions: ['UPDATE_PASSWORD'] });
    const adminLifespan = await emailTo('kim', 'Update Your Account');
    await sendExecuteActions(id, { actions: ['UPDATE_PASSWORD'], lifespan: 1 });
    const shortLived = await emailTo('kim', 'Update Your Account');
    await pause(2100);
    const expired = await new LoginRobot().open(shortLived);
    expect(visibleText(expired.html)).toContain('Action expired.');
    const alive = await new LoginRobot().open(adminLifespan);
    expect(visibleText(alive.html)).toContain('Perform the following action(s): Update Password');
  });
});
