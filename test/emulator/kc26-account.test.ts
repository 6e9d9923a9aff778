/**
 * What the account console does, through surfaces Keycloak 26 really has (these tests hold on a real
 * Keycloak): the Account REST API's credentials, and the application-initiated actions the console starts
 * with `kc_action` on the `account-console` client — adding a second authenticator (CONFIGURE_TOTP,
 * with "Cancel"), deleting one (`delete_credential:<id>`, "Confirm deletion" / "Decline"), and the
 * re-authentication an action asks for once the sign-in is older than the action's `max_auth_age`.
 */
import { type AuthenticatorEntry, codeFor, parseKeyUri, scanQrCode, textOf } from '../support/browser.js';
import { http } from '../support/keycloak.js';
import { createTestUser, SECRET_A } from '../support/users.js';
import {
  browser,
  consoleAuthorization,
  consoleTokens,
  kc,
  kut,
  page,
  realm,
  useAccountLab,
  userId,
  waitForConsoleReturn,
} from './kc26-account-lab.js';

let accessToken: string;

const otpDevices = async () => (await kc.users.getCredentials({ realm, id: userId })).filter((c) => c.type === 'otp');

const credentials = (token?: string) =>
  http(kut, `/realms/${realm}/account/credentials`, {
    headers: { accept: 'application/json' },
    ...(token ? { token } : {}),
  });

/** Starts an action from the console and waits for the page it shows. */
const startAction = async (kcAction: string, selector: string) => {
  await page.goto(consoleAuthorization(kut, realm, kcAction).url);
  await page.waitForSelector(selector);
};

const lastReturn = () => waitForConsoleReturn(page, kut, realm);

const eventsOf = async (types: string[]) => kc.realms.findEvents({ realm, type: types as never, max: 20 });

useAccountLab('account', 'alma', { label: 'Phone A', secret: SECRET_A });

test('signing in to the console (account-console, PKCE) gives a token the Account REST API accepts', async () => {
  const authorization = consoleAuthorization(kut, realm);
  await page.goto(authorization.url);
  await page.fill('#username', 'alma');
  await page.fill('#password', 'alma-password');
  await page.click('#kc-login');
  await page.fill('#otp', await codeFor({ secret: SECRET_A }));
  await page.click('#kc-login');
  const code = (await lastReturn()).get('code') as string;
  accessToken = (await consoleTokens(kut, realm, authorization, code)).access_token;

  expect((await credentials()).status).toBe(401);
  const listed = await credentials(accessToken);
  expect(listed.status).toBe(200);
  const byType = new Map((listed.json as { type: string }[]).map((c) => [c.type, c as any]));
  expect(byType.get('password')).toMatchObject({ category: 'basic-authentication', removeable: false });
  expect(byType.get('otp')).toMatchObject({
    category: 'two-factor',
    createAction: 'CONFIGURE_TOTP',
    removeable: true,
  });
  const [device] = byType.get('otp').userCredentialMetadatas;
  expect(device.credential).toMatchObject({ type: 'otp', userLabel: 'Phone A', createdDate: expect.any(Number) });
  expect(device.credential.secretData).toBeUndefined();
});

describe('adding an authenticator (kc_action=CONFIGURE_TOTP)', () => {
  test('"Cancel" returns with kc_action_status=cancelled and adds nothing', async () => {
    await startAction('CONFIGURE_TOTP', '#kc-totp-secret-qr-code');
    await page.click('#cancelTOTPBtn');
    expect((await lastReturn()).get('kc_action_status')).toBe('cancelled');
    expect(await otpDevices()).toHaveLength(1);
  });

  test('a second device needs a name, then returns with kc_action_status=success', async () => {
    await startAction('CONFIGURE_TOTP', '#kc-totp-secret-qr-code');
    const entry: AuthenticatorEntry = parseKeyUri(await scanQrCode(page));
    await page.fill('#totp', await codeFor(entry));
    await page.click('#saveTOTPBtn');
    expect(await textOf(page, '#input-error-otp-label')).toBe('Please specify device name.');
    await page.fill('#totp', await codeFor(entry));
    await page.fill('#userLabel', 'Phone B');
    await page.click('#saveTOTPBtn');
    const back = await lastReturn();
    expect(back.get('kc_action_status')).toBe('success');
    expect(back.get('code')).toEqual(expect.any(String));
    expect((await otpDevices()).map((d) => d.userLabel).sort()).toEqual(['Phone A', 'Phone B']);

    const [updated] = await eventsOf(['UPDATE_CREDENTIAL']);
    expect(updated).toMatchObject({ clientId: 'account-console', userId, details: { credential_type: 'otp' } });
    expect(await eventsOf(['UPDATE_TOTP'])).toHaveLength(1);
  });
});

describe('deleting an authenticator (kc_action=delete_credential:<id>)', () => {
  const deviceId = async (label: string) => (await otpDevices()).find((d) => d.userLabel === label)?.id as string;

  test('asks first; "Decline" keeps the device and returns with kc_action_status=cancelled', async () => {
    await startAction(`delete_credential:${await deviceId('Phone B')}`, '#kc-accept');
    expect(await textOf(page, '#kc-page-title')).toBe('Delete Phone B');
    expect(await textOf(page, '#kc-delete-text')).toBe('Do you want to delete Phone B?');
    await page.click('#kc-decline');
    expect((await lastReturn()).get('kc_action_status')).toBe('cancelled');
    expect(await otpDevices()).toHaveLength(2);
  });

  test('"Confirm deletion" removes it: REMOVE_CREDENTIAL and the legacy REMOVE_TOTP', async () => {
    const id = await deviceId('Phone B');
    await startAction(`delete_credential:${id}`, '#kc-accept');
    await page.click('#kc-accept');
    expect((await lastReturn()).get('kc_action_status')).toBe('success');
    expect((await otpDevices()).map((d) => d.userLabel)).toEqual(['Phone A']);
    const [removed] = await eventsOf(['REMOVE_CREDENTIAL']);
    expect(removed).toMatchObject({
      clientId: 'account-console',
      userId,
      details: { credential_type: 'otp', credential_id: id, credential_user_label: 'Phone B' },
    });
    expect(await eventsOf(['REMOVE_TOTP'])).toHaveLength(1);
  });

  test('a sign-in older than max_auth_age must be repeated first', async () => {
    const config = await http(kut, `/admin/realms/${realm}/authentication/required-actions/delete_credential/config`, {
      method: 'PUT',
      token: kc.accessToken as string,
      json: { config: { max_auth_age: '0' } },
    });
    expect(config.status).toBeLessThan(300);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // Keycloak counts auth time in whole seconds
    await page.goto(consoleAuthorization(kut, realm, `delete_credential:${await deviceId('Phone A')}`).url);
    await page.waitForSelector('#password');
    expect(await textOf(page, '.kc-feedback-text')).toBe('Please re-authenticate to continue');
    if (await page.locator('#username').isEditable()) await page.fill('#username', 'alma');
    await page.fill('#password', 'alma-password');
    await page.click('#kc-login');
    await page.fill('#otp', await codeFor({ secret: SECRET_A }, Math.floor(Date.now() / 1000) + 30));
    await page.click('#kc-login');
    await page.waitForSelector('#kc-decline');
    await page.click('#kc-decline');
    expect((await lastReturn()).get('kc_action_status')).toBe('cancelled');
    expect(await otpDevices()).toHaveLength(1);
  });
});

describe('the Account REST API', () => {
  test('DELETE /account/credentials/{id} (deprecated, still in 26) removes a device with REMOVE_CREDENTIAL', async () => {
    const [device] = await otpDevices();
    const gone = await http(kut, `/realms/${realm}/account/credentials/${device?.id}`, {
      method: 'DELETE',
      headers: { accept: 'application/json' },
      token: accessToken,
    });
    expect(gone.status).toBe(204);
    expect(await otpDevices()).toHaveLength(0);
    const [removed] = await eventsOf(['REMOVE_CREDENTIAL']);
    expect(removed).toMatchObject({
      clientId: 'account-console',
      details: { credential_type: 'otp', selected_credential_id: device?.id },
    });
    const again = await http(kut, `/realms/${realm}/account/credentials/${device?.id}`, {
      method: 'DELETE',
      headers: { accept: 'application/json' },
      token: accessToken,
    });
    expect(again.status).toBe(404);
  });

  test("a type filter, and user-credentials=false leaves the user's credentials out", async () => {
    const otpOnly = await http(kut, `/realms/${realm}/account/credentials?type=otp&user-credentials=false`, {
      headers: { accept: 'application/json' },
      token: accessToken,
    });
    expect(otpOnly.status).toBe(200);
    expect(otpOnly.json).toEqual([expect.objectContaining({ type: 'otp' })]);
    expect(otpOnly.json[0].userCredentialMetadatas).toBeUndefined();
  });
});

test('a user without account roles gets a console token the Account REST API refuses (401)', async () => {
  const id = await createTestUser(kc, realm, 'boris');
  const defaults = (await kc.users.listRealmRoleMappings({ realm, id })).filter((r) => r.name?.startsWith('default-'));
  await kc.users.delRealmRoleMappings({ realm, id, roles: defaults as never });
  const other = await browser.newContext();
  try {
    const otherPage = await other.newPage();
    const authorization = consoleAuthorization(kut, realm);
    await otherPage.goto(authorization.url);
    await otherPage.fill('#username', 'boris');
    await otherPage.fill('#password', 'boris-password');
    await otherPage.click('#kc-login');
    const code = (await waitForConsoleReturn(otherPage, kut, realm)).get('code') as string;
    const token = (await consoleTokens(kut, realm, authorization, code)).access_token;
    expect((await credentials(token)).status).toBe(401);
  } finally {
    await other.close();
  }
});
