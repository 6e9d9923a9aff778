/**
 * Step-up authentication (contract §13, read in ConditionalLoaAuthenticator and AcrStore): the realm's
 * `acr.loa.map`, a browser flow whose subflows are guarded by "Condition - Level of Authentication", and what
 * tokens carry. Password outside the levels, level 2 = OTP for users with a device, level 1 = the rest (only
 * when no OTP was given: the condition would otherwise lower a requested level 2 to 1, as Keycloak sets the
 * level of the last subflow that ran) — the shape the admin scripts bootstrap — so a user with a device
 * reaches `mfa` on every sign-in.
 */
import { describeEmulatorOnly } from '../support/keycloak.js';
import { LoginRobot } from '../support/login-robot.js';
import { otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';
import { authorizeUrl, createFlowsRealm, createUser, kc, totpCode, useFlowsLab } from './kc26-flows-lab.js';
import { bindBrowserFlow, idTokenOf, loa } from './kc26-loa-lab.js';

useFlowsLab();

let realm: string;

beforeAll(async () => {
  realm = await createFlowsRealm('loa', { attributes: { 'acr.loa.map': '{"pwd":1,"mfa":2}' } });
  await bindBrowserFlow(realm, 'stepped', [
    { provider: 'auth-cookie', requirement: 'ALTERNATIVE' },
    {
      subflow: 'stepped forms',
      requirement: 'ALTERNATIVE',
      steps: [
        { provider: 'auth-username-password-form' },
        {
          subflow: 'stepped level 2',
          requirement: 'CONDITIONAL',
          steps: [loa(2), { provider: 'conditional-user-configured' }, { provider: 'auth-otp-form' }],
        },
        {
          subflow: 'stepped level 1',
          requirement: 'CONDITIONAL',
          // "Condition - credential": only when no OTP was given, so a requested level 2 is not lowered again.
          steps: [
            loa(1),
            { provider: 'conditional-credential', config: { credentials: 'otp', included: 'false' } },
            { provider: 'allow-access-authenticator' },
          ],
        },
      ],
    },
  ]);
  await createUser(realm, 'otto', [otpCredential('Phone', SECRET_A)]);
  await createUser(realm, 'paula');
});

const open = async (robot: LoginRobot, params: Record<string, string> = {}) => {
  const url = new URL(authorizeUrl(realm));
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return robot.open(url.toString());
};

const code = (robot: LoginRobot) => new URL(robot.page.url).searchParams.get('code');

test('a user with a device gives a code on every sign-in and reaches mfa; acr, auth_time in the ID token', async () => {
  const robot = new LoginRobot();
  const before = Math.floor(Date.now() / 1000) - 1;
  await open(robot);
  await robot.submit({ username: 'otto', password: passwordOf('otto') });
  expect(robot.page.html).toContain('name="otp"');
  await robot.submit({ otp: await totpCode(SECRET_A) });
  const token = await idTokenOf(realm, robot);
  expect(token.acr).toBe('mfa');
  expect(token.auth_time).toBeGreaterThanOrEqual(before);
});

test('a user without a device reaches pwd, also when mfa is asked without essential', async () => {
  const plain = new LoginRobot();
  await open(plain);
  await plain.submit({ username: 'paula', password: passwordOf('paula') });
  expect((await idTokenOf(realm, plain)).acr).toBe('pwd');
  const asked = new LoginRobot();
  await open(asked, { acr_values: 'mfa' });
  await asked.submit({ username: 'paula', password: passwordOf('paula') });
  expect((await idTokenOf(realm, asked)).acr).toBe('pwd');
});

test('an essential mfa that cannot be met ends without a code', async () => {
  const robot = new LoginRobot();
  await open(robot, { claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['mfa'] } } }) });
  await robot.submit({ username: 'paula', password: passwordOf('paula') });
  expect(code(robot)).toBeNull();
});

test('max_age=0 asks a fresh password and code although an SSO session exists', async () => {
  const robot = new LoginRobot();
  await open(robot);
  await robot.submit({ username: 'otto', password: passwordOf('otto') });
  await robot.submit({ otp: await totpCode(SECRET_A, -30) });
  const first = await idTokenOf(realm, robot);
  // Same browser: the SSO cookie alone signs in (acr 0 for an SSO sign-in without a level of its own).
  await open(robot);
  expect(code(robot)).not.toBeNull();
  await open(robot, { max_age: '0', acr_values: 'mfa' });
  expect(robot.page.html).toContain('name="password"');
  await robot.submit({ username: 'otto', password: passwordOf('otto') });
  await robot.submit({ otp: await totpCode(SECRET_A, 30) });
  const fresh = await idTokenOf(realm, robot);
  expect(fresh.acr).toBe('mfa');
  expect(fresh.auth_time).toBeGreaterThanOrEqual(first.auth_time as number);
});

test('the realm map and the condition are what the admin API shows', async () => {
  const live = await kc.realms.findOne({ realm });
  expect(live?.attributes?.['acr.loa.map']).toBe('{"pwd":1,"mfa":2}');
  const list = kc.authenticationManagement.getAuthenticatorProviders as unknown as (query: {
    realm: string;
  }) => Promise<{ id: string; displayName: string }[]>;
  const providers = await list({ realm });
  const names = Object.fromEntries(providers.map((p) => [p.id, p.displayName]));
  expect(names['conditional-level-of-authentication']).toBe('Condition - Level of Authentication');
  expect(names['allow-access-authenticator']).toBe('Allow access');
});

// Emulator-only: whether Keycloak 26 takes a config on the (non-configurable) OTP form through the admin API is
// not verified; AmrUtils reads `default.reference.value` / `default.reference.maxAge` from the execution's config.
describeEmulatorOnly('amr', () => {
  test('lists the reference values of the executions this sign-in completed, for their max age', async () => {
    const rows = await kc.authenticationManagement.getExecutions({ realm, flow: 'stepped' });
    const otpForm = rows.find((r) => r.providerId === 'auth-otp-form');
    const password = rows.find((r) => r.providerId === 'auth-username-password-form');
    await kc.authenticationManagement.createConfig({
      realm,
      id: otpForm?.id as string,
      alias: 'amr-otp',
      config: { 'default.reference.value': 'otp', 'default.reference.maxAge': '600' },
    });
    await kc.authenticationManagement.createConfig({
      realm,
      id: password?.id as string,
      alias: 'amr-pwd',
      config: { 'default.reference.value': 'pwd' }, // max age 0: gone a second later
    });
    // The AMR mapper is in no default scope: the client gets one.
    const [client] = await kc.clients.find({ realm, clientId: 'flows-app' });
    await kc.clients.addProtocolMapper(
      { realm, id: client?.id as string },
      {
        name: 'amr',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-amr-mapper',
        config: { 'id.token.claim': 'true', 'access.token.claim': 'true' },
      },
    );
    await createUser(realm, 'olga', [otpCredential('Phone', SECRET_B)]);
    const robot = new LoginRobot();
    await open(robot);
    await robot.submit({ username: 'olga', password: passwordOf('olga') });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await robot.submit({ otp: await totpCode(SECRET_B) });
    expect((await idTokenOf(realm, robot)).amr).toEqual(['otp']);
  });
});
