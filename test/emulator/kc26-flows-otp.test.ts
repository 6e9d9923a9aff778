/**
 * OTP on Keycloak 26's login pages, driven over HTTP by field name: the CONFIGURE_TOTP required action
 * (UpdateTotp, contract §10/§11), the exact-code reuse model (OTPCredentialProvider, §11), the OTP form
 * posted without a code (OTPFormAuthenticator, §11), HOTP and the key URI (OTPPolicy.getKeyURI,
 * HmacOTP.validateHOTP, §11).
 */
import { otpCredential, SECRET_A } from '../support/users.js';
import {
  createFlowsRealm,
  createUser,
  hotpCode,
  kc,
  keyUriOnPage,
  pageSays,
  secretOf,
  signedIn,
  signIn,
  totpCode,
  useFlowsLab,
  userEvents,
} from './kc26-flows-lab.js';

useFlowsLab();

let realm: string;
beforeAll(async () => {
  realm = await createFlowsRealm('flows-otp', { displayName: 'Acme: Staff Portal' });
});

const devicesOf = async (id: string) => (await kc.users.getCredentials({ realm, id })).filter((c) => c.type === 'otp');

describe('CONFIGURE_TOTP (UpdateTotp)', () => {
  test('the code is checked against the posted totpSecret only: a post without it cannot succeed', async () => {
    const id = await createUser(realm, 'cora', [], { requiredActions: ['CONFIGURE_TOTP'] });
    const robot = await signIn(realm, 'cora');
    const code = await totpCode(secretOf(keyUriOnPage(robot)));
    await robot.post(robot.formAction(), { totp: code, userLabel: 'Phone' });
    expect(pageSays(robot, 'Invalid authenticator code.')).toBe(true);
    expect(await devicesOf(id)).toEqual([]);
    await robot.submit({ totp: code, userLabel: 'Phone' });
    expect(signedIn(robot)).toBe(true);
    expect((await devicesOf(id)).map((d) => d.userLabel)).toEqual(['Phone']);
  });

  test('checks in order, refuses a taken device name, records no error event; success records UPDATE_CREDENTIAL and UPDATE_TOTP', async () => {
    const id = await createUser(realm, 'dora', [otpCredential('Phone', SECRET_A)], {
      requiredActions: ['CONFIGURE_TOTP'],
    });
    const robot = await signIn(realm, 'dora');
    await robot.submit({ otp: await totpCode(SECRET_A) });
    const secret = secretOf(keyUriOnPage(robot));
    await robot.submit({ totp: '', userLabel: '' });
    expect(pageSays(robot, 'Please specify authenticator code.')).toBe(true);
    await robot.submit({ totp: '000000', userLabel: '' });
    expect(pageSays(robot, 'Invalid authenticator code.')).toBe(true);
    await robot.submit({ totp: await totpCode(secret), userLabel: '' });
    expect(pageSays(robot, 'Please specify device name.')).toBe(true);
    // The store compares device names trimmed and case-insensitively.
    await robot.submit({ totp: await totpCode(secret), userLabel: ' phone ' });
    expect(pageSays(robot, 'Device already exists with the same name')).toBe(true);
    expect(await devicesOf(id)).toHaveLength(1);
    const failed = (await userEvents(realm, id)).filter((e) => e.type?.endsWith('_ERROR'));
    expect(failed).toEqual([]);

    await robot.submit({ totp: await totpCode(secret), userLabel: 'Tablet' });
    expect(signedIn(robot)).toBe(true);
    const events = await userEvents(realm, id);
    const saved = events.filter((e) => e.type === 'UPDATE_CREDENTIAL' || e.type === 'UPDATE_TOTP');
    expect(saved.map((e) => e.type).sort()).toEqual(['UPDATE_CREDENTIAL', 'UPDATE_TOTP']);
    for (const event of saved) {
      expect(event.details).toMatchObject({ credential_type: 'otp', custom_required_action: 'CONFIGURE_TOTP' });
    }
  });

  test('the code typed at setup is used up: it cannot then sign in', async () => {
    await createUser(realm, 'edna', [], { requiredActions: ['CONFIGURE_TOTP'] });
    const setup = await signIn(realm, 'edna');
    const secret = secretOf(keyUriOnPage(setup));
    const code = await totpCode(secret);
    await setup.submit({ totp: code, userLabel: 'Phone' });
    expect(signedIn(setup)).toBe(true);
    const again = await signIn(realm, 'edna');
    await again.submit({ otp: code });
    expect(pageSays(again, 'Invalid authenticator code.')).toBe(true);
  });

  test('key URI: issuer with ":" as a space and spaces as %20, account name form-encoded (OTPPolicy.getKeyURI)', async () => {
    await createUser(realm, 'fay+ops@example.org', [], {
      requiredActions: ['CONFIGURE_TOTP'],
      email: 'fay@example.org',
    });
    const robot = await signIn(realm, 'fay+ops@example.org');
    const uri = keyUriOnPage(robot);
    const secret = secretOf(uri);
    expect(uri).toBe(
      `otpauth://totp/Acme%20%20Staff%20Portal:fay%2Bops%40example.org?secret=${secret}&digits=6&algorithm=SHA1&issuer=Acme%20%20Staff%20Portal&period=30`,
    );
  });
});

describe('OTP form', () => {
  test('the exact code is refused a second time, while an older unused code of the window is accepted', async () => {
    await createUser(realm, 'gail', [otpCredential('Phone', SECRET_A)]);
    const first = await signIn(realm, 'gail');
    const code = await totpCode(SECRET_A);
    await first.submit({ otp: code });
    expect(signedIn(first)).toBe(true);

    const second = await signIn(realm, 'gail');
    await second.submit({ otp: code });
    expect(pageSays(second, 'Invalid authenticator code.')).toBe(true);
    // The previous period's code is inside the look-around window (1) and was never used.
    await second.submit({ otp: await totpCode(SECRET_A, -30) });
    expect(signedIn(second)).toBe(true);
  });

  test('a form posted without the otp field is shown again with no error and no failure counted', async () => {
    const id = await createUser(realm, 'hana', [otpCredential('Phone', SECRET_A)]);
    const robot = await signIn(realm, 'hana');
    const before = (await userEvents(realm, id)).length;
    await robot.submit({});
    expect(robot.page.html).toContain('name="otp"');
    expect(pageSays(robot, 'Invalid authenticator code.')).toBe(false);
    expect((await userEvents(realm, id)).length).toBe(before);
  });
});

describe('HOTP policy (OTPPolicy, HmacOTP)', () => {
  let hotpRealm: string;
  beforeAll(async () => {
    hotpRealm = await createFlowsRealm('flows-hotp', { otpPolicyType: 'hotp', otpPolicyInitialCounter: 0 });
  });

  test('the key URI is otpauth://hotp/…&counter=; codes follow the counter with look-ahead, never twice', async () => {
    await createUser(hotpRealm, 'ines', [], { requiredActions: ['CONFIGURE_TOTP'] });
    const setup = await signIn(hotpRealm, 'ines');
    const uri = keyUriOnPage(setup);
    expect(uri).toMatch(/^otpauth:\/\/hotp\/.*&counter=0$/);
    const secret = secretOf(uri);
    await setup.submit({ totp: hotpCode(secret, 0), userLabel: 'Token' });
    expect(signedIn(setup)).toBe(true);

    const robot = await signIn(hotpRealm, 'ines');
    // Counter 0 was used at setup; 2 is within the look-ahead of 1 past counter 1.
    await robot.submit({ otp: hotpCode(secret, 0) });
    expect(pageSays(robot, 'Invalid authenticator code.')).toBe(true);
    await robot.submit({ otp: hotpCode(secret, 2) });
    expect(signedIn(robot)).toBe(true);

    const later = await signIn(hotpRealm, 'ines');
    await later.submit({ otp: hotpCode(secret, 1) });
    expect(pageSays(later, 'Invalid authenticator code.')).toBe(true);
    await later.submit({ otp: hotpCode(secret, 3) });
    expect(signedIn(later)).toBe(true);
  });
});
