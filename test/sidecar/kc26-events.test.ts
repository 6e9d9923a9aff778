/**
 * The device mirror on the events Keycloak 26 really records (contract §9, §11; ResetOTP, UpdateTotp):
 * a reset link's "Reset OTP" step removes devices and records no event, and the link path records no
 * `RESET_PASSWORD` / `EXECUTE_ACTION_TOKEN` / `EXECUTE_ACTIONS` success events. The sidecar learns of such a
 * removal when it re-reads the user at the next `UPDATE_CREDENTIAL` (the new device, CONFIGURE_TOTP) or at
 * the next full sync, and records it as "removed in Keycloak" — no event says more.
 */
import { generate } from 'otplib';
import { describeEmulatorOnly, emulatorOf } from '../support/keycloak.js';
import { accountConsoleLoginUrl, LoginRobot } from '../support/login-robot.js';
import { DISTANT_DEADLINE, helpdeskToken } from '../support/sidecar-realm.js';
import { kc, kut, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { linkIn } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';
import { eventually } from '../support/wait.js';
import { deviceViews, stateOf } from './device-views.js';

let token: string;

const { api, devicesOf, deviceMails } = deviceViews(() => ({ sidecar, token, mail }));

/** A user with one mirrored OTP device, "Old phone". */
const userWithOldPhone = async (username: string) => {
  const id = await createTestUser(kc, target.realm, username, { credentials: [otpCredential('Old phone', SECRET_A)] });
  await eventually(
    () => devicesOf(username),
    (d) => d.length === 1,
  );
  return id;
};

/** On the CONFIGURE_TOTP page: reads the secret through "Unable to scan?" and sets up a device. */
const configureOtp = async (robot: LoginRobot, deviceName: string) => {
  await robot.follow('Unable to scan\\?');
  const secret = (robot.textOf('kc-totp-secret-key') ?? '').replaceAll(' ', '');
  expect(secret).toMatch(/^[A-Z2-7]+$/);
  await robot.submit({ totp: await generate({ secret }), userLabel: deviceName });
};

// Keycloak's Reset OTP runs in "Forgot password?" only at the email-only level (issue 19).
useSidecarRealm({ enforcement: DISTANT_DEADLINE, recovery: { level: 'email-only' } }, 'kc26-events');
beforeAll(async () => {
  token = await helpdeskToken(kc, kut, target.realm);
});

test('a reset link whose "Reset OTP" removes every device: the mirror has the swap once the new device is set up', async () => {
  const id = await userWithOldPhone('dora');
  const rows = await kc.authenticationManagement.getExecutions({ realm: target.realm, flow: 'reset-credentials-2fa' });
  const resetOtp = rows.find((r) => r.providerId === 'reset-otp');
  const config = await kc.authenticationManagement.getConfig({
    realm: target.realm,
    id: resetOtp?.authenticationConfig as string,
  });
  await kc.authenticationManagement.updateConfig({
    realm: target.realm,
    id: config.id as string,
    alias: config.alias as string,
    config: { action_on_otp_reset_flag: 'Remove all' },
  });
  const robot = new LoginRobot();
  await robot.open(accountConsoleLoginUrl(kut.baseUrl, target.realm));
  await robot.follow('Forgot Password\\?');
  await robot.submit({ username: 'dora' });
  const email = await mail.waitFor((m) => m.to.includes('dora@example.org') && m.subject === 'Reset password');
  await robot.open(linkIn(email));
  // "Reset OTP" ran when the link was opened: the device is gone in Keycloak (Keycloak records no event).
  const otpOf = async () =>
    (await kc.users.getCredentials({ realm: target.realm, id })).filter((c) => c.type === 'otp');
  expect(await otpOf()).toEqual([]);
  // Required actions in priority order: CONFIGURE_TOTP (10) before UPDATE_PASSWORD (30).
  await configureOtp(robot, 'Replacement');
  await robot.submit({ 'password-new': 'dora-new-password', 'password-confirm': 'dora-new-password' });
  expect((await otpOf()).map((c) => c.userLabel)).toEqual(['Replacement']);

  const devices = await eventually(
    () => devicesOf('dora'),
    (d) => d.length === 2 && d.some((x) => x.removedAt),
  );
  expect(stateOf(devices)).toEqual([
    ['Old phone', expect.any(String)],
    ['Replacement', 'current'],
  ]);
  // No event of Keycloak says the removal came from a password reset, so the record does not claim it.
  expect(devices.find((d) => d.label === 'Old phone')?.removedReason).not.toMatch(/password reset/);
  const mails = await eventually(
    async () => deviceMails('dora@example.org'),
    (m) => m.length >= 2,
  );
  expect(mails.map((m) => m.subject.split(' ').slice(0, 3).join(' ')).sort()).toEqual([
    'A new authenticator',
    'An authenticator was',
  ]);
}, 60_000);

// Only the emulator lets a test remove a device with no event at all and no admin write, the way Keycloak's
// "Reset OTP" step does (through the admin API every removal is an admin event): the state is edited directly.
describeEmulatorOnly('a device removed without any event', () => {
  const removeSilently = (userId: string) => {
    const user = emulatorOf(kut).state.realm(target.realm).users.get(userId);
    if (!user) throw new Error(`no user ${userId}`);
    user.credentials = user.credentials.filter((c) => c.type !== 'otp');
    return user;
  };

  test('stays current until the user sets up a new device (UPDATE_CREDENTIAL), then is "removed in Keycloak"', async () => {
    const id = await userWithOldPhone('emma');
    // As after "Reset OTP": no device, CONFIGURE_TOTP pending.
    removeSilently(id).requiredActions.push('CONFIGURE_TOTP');
    await new Promise((r) => setTimeout(r, 2_500)); // more than two event polls
    expect(stateOf(await devicesOf('emma'))).toEqual([['Old phone', 'current']]);

    const robot = new LoginRobot();
    await robot.open(accountConsoleLoginUrl(kut.baseUrl, target.realm));
    await robot.submit({ username: 'emma', password: passwordOf('emma') });
    await configureOtp(robot, 'New phone');
    const devices = await eventually(
      () => devicesOf('emma'),
      (d) => d.length === 2 && d.some((x) => x.removedAt),
    );
    expect(stateOf(devices)).toEqual([
      ['New phone', 'current'],
      ['Old phone', 'removed in Keycloak'],
    ]);
    const removal = await mail.waitFor(
      (m) => m.to.includes('emma@example.org') && m.subject.startsWith('An authenticator was removed'),
    );
    expect(removal.text).toContain('"Old phone" was removed');
    expect(removal.text).toContain('(removed in Keycloak)');
  }, 30_000);

  test('is found by the next full sync when the user sets up nothing', async () => {
    const id = await userWithOldPhone('finn');
    removeSilently(id);
    expect((await api('/sync', { method: 'POST' })).status).toBe(202);
    const devices = await eventually(
      () => devicesOf('finn'),
      (d) => Boolean(d[0]?.removedAt),
    );
    expect(stateOf(devices)).toEqual([['Old phone', 'removed in Keycloak']]);
  }, 30_000);
});
