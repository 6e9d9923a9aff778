/**
 * "Forgot Password?", the reset link and the Reset OTP step as Keycloak 26 runs them (ResetCredentialChooseUser,
 * ResetCredentialEmail, ResetOTP, ResetPasswordTest; contract §11), driven over HTTP by field name.
 */

import { LoginRobot } from '../support/login-robot.js';
import { linkIn } from '../support/smtp.js';
import { otpCredential, SECRET_A } from '../support/users.js';
import {
  authorizeUrl,
  createFlowsRealm,
  createUser,
  kc,
  keyUriOnPage,
  mail,
  pageSays,
  secretOf,
  signedIn,
  totpCode,
  useFlowsLab,
  userEvents,
} from './kc26-flows-lab.js';

useFlowsLab();

const EMAIL_SENT = 'You should receive an email shortly with further instructions.';

let realm: string;
beforeAll(async () => {
  realm = await createFlowsRealm('flows-reset');
});

const forgotPassword = async (username: string) => {
  const robot = new LoginRobot();
  await robot.open(authorizeUrl(realm));
  await robot.follow('Forgot Password\\?');
  await robot.submit({ username });
  return robot;
};

/** The sign-in page of a restarted browser flow: its form posts username and password. */
const onSignInPageWithAlert = (robot: LoginRobot) => {
  expect(robot.page.status).toBe(200);
  expect(robot.page.html).toContain('name="password"');
  expect(pageSays(robot, EMAIL_SENT)).toBe(true);
};

const eventsOfRealm = async (types: string[]) =>
  (await kc.realms.findEvents({ realm, type: types as never, max: 100 })).reverse();

describe('"Forgot Password?" ends on the sign-in page with the alert, whatever happened', () => {
  test('an existing user: email sent, SEND_RESET_PASSWORD with the username as typed and the email', async () => {
    const id = await createUser(realm, 'kim');
    const robot = await forgotPassword('KIM@example.org');
    onSignInPageWithAlert(robot);
    await mail.waitFor((m) => m.to.includes('kim@example.org'));
    const [sent] = (await userEvents(realm, id)).filter((e) => e.type === 'SEND_RESET_PASSWORD');
    expect(sent?.details).toMatchObject({ username: 'KIM@example.org', email: 'kim@example.org' });
    expect(sent?.details?.code_id).toEqual(expect.any(String));
    // The restarted login is a working sign-in.
    await robot.submit({ username: 'kim', password: 'kim-password' });
    expect(signedIn(robot)).toBe(true);
  });

  test('unknown, disabled, without email, blank: RESET_PASSWORD_ERROR with the reason', async () => {
    await createUser(realm, 'lou', [], { enabled: false });
    await createUser(realm, 'max', [], { email: '' });
    for (const username of ['nobody-here', 'lou', 'max']) onSignInPageWithAlert(await forgotPassword(username));
    const blank = await forgotPassword('');
    expect(blank.page.html).toContain('Please specify username.');
    const errors = (await eventsOfRealm(['RESET_PASSWORD_ERROR'])).map((e) => [e.error, e.details?.username]);
    expect(errors).toEqual([
      ['user_not_found', 'nobody-here'],
      ['user_disabled', 'lou'],
      ['invalid_email', 'max'],
      ['username_missing', undefined],
    ]);
  });

  test('an SMTP failure shows the same page (no error page revealing the account)', async () => {
    const id = await createUser(realm, 'ned');
    mail.failNext(1, 550);
    onSignInPageWithAlert(await forgotPassword('ned'));
    const [failed] = (await userEvents(realm, id)).filter((e) => e.type === 'SEND_RESET_PASSWORD_ERROR');
    expect(failed?.error).toBe('email_send_failed');
  });
});

describe('the reset link', () => {
  const bindRemoveAll = async () => {
    const alias = 'reset-remove-all';
    await kc.authenticationManagement.copyFlow({ realm, flow: 'reset credentials', newName: alias });
    const executions = await kc.authenticationManagement.getExecutions({ realm, flow: alias });
    const resetOtp = executions.find((e) => e.providerId === 'reset-otp');
    await kc.authenticationManagement.createConfig({
      realm,
      id: resetOtp?.id as string,
      alias: `${alias}-config`,
      config: { action_on_otp_reset_flag: 'Remove all' },
    });
    await kc.realms.update({ realm }, { resetCredentialsFlow: alias });
  };

  test('"Remove all" removes devices when the step runs, with no event; OTP setup before the new password; no RESET_PASSWORD', async () => {
    await bindRemoveAll();
    try {
      const id = await createUser(realm, 'olga', [otpCredential('Lost phone', SECRET_A)]);
      const robot = await forgotPassword('olga');
      const email = await mail.waitFor((m) => m.to.includes('olga@example.org'));
      await robot.open(linkIn(email));
      expect(await kc.users.getCredentials({ realm, id })).not.toContainEqual(expect.objectContaining({ type: 'otp' }));
      // CONFIGURE_TOTP (priority 10) runs before UPDATE_PASSWORD (30).
      expect(robot.page.html).toContain('name="totpSecret"');
      await robot.submit({ totp: await totpCode(secretOf(keyUriOnPage(robot))), userLabel: 'New phone' });
      expect(robot.page.html).toContain('name="password-new"');
      await robot.submit({ 'password-new': 'olga-new-password', 'password-confirm': 'olga-new-password' });
      expect(signedIn(robot)).toBe(true);

      const types = (await userEvents(realm, id)).map((e) => e.type as string);
      for (const absent of ['RESET_PASSWORD', 'REMOVE_CREDENTIAL', 'REMOVE_TOTP']) expect(types).not.toContain(absent);
      const order = ['UPDATE_CREDENTIAL', 'UPDATE_TOTP', 'UPDATE_PASSWORD', 'LOGIN'].map((t) => types.indexOf(t));
      expect(order.every((at) => at >= 0)).toBe(true);
      expect(Math.max(order[0] as number, order[1] as number)).toBeLessThan(order[2] as number);
      expect(order[2]).toBeLessThan(order[3] as number);
    } finally {
      await kc.realms.update({ realm }, { resetCredentialsFlow: 'reset credentials' });
    }
  });
});
