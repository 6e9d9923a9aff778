/**
 * Signing in as Keycloak 26 runs it, over HTTP: brute-force detection as DefaultBruteForceProtector computes
 * it (contract §11) and the built-in "Browser - Conditional 2FA" subflow with "Condition - credential"
 * (contract §8/§11; ConditionalCredentialAuthenticator).
 */
import { otpCredential, SECRET_A } from '../support/users.js';
import {
  createFlowsRealm,
  createUser,
  kc,
  pageSays,
  signedIn,
  signIn,
  totpCode,
  useFlowsLab,
  userEvents,
} from './kc26-flows-lab.js';

useFlowsLab();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const lockState = async (realm: string, id: string) =>
  (await kc.attackDetection.findOne({ realm, id })) as { disabled?: boolean; numFailures?: number };

describe('brute force (DefaultBruteForceProtector)', () => {
  test('every failure at or past the factor locks again: wait = increment × floor(failures / factor)', async () => {
    const realm = await createFlowsRealm('flows-bf', {
      bruteForceProtected: true,
      failureFactor: 2,
      waitIncrementSeconds: 1,
      quickLoginCheckMilliSeconds: 1,
    });
    const id = await createUser(realm, 'pia');
    await signIn(realm, 'pia', 'wrong');
    expect(await lockState(realm, id)).toMatchObject({ disabled: false, numFailures: 1 });
    await signIn(realm, 'pia', 'wrong');
    expect(await lockState(realm, id)).toMatchObject({ disabled: true, numFailures: 2 });
    await pause(1100);
    expect(await lockState(realm, id)).toMatchObject({ disabled: false });
    // The third failure (past the factor, not a multiple of it) locks again.
    await signIn(realm, 'pia', 'wrong');
    expect(await lockState(realm, id)).toMatchObject({ disabled: true, numFailures: 3 });
  });

  test('quick login check: a failure within quickLoginCheckMilliSeconds of the last locks minimumQuickLoginWaitSeconds', async () => {
    const realm = await createFlowsRealm('flows-quick', {
      bruteForceProtected: true,
      failureFactor: 30,
      quickLoginCheckMilliSeconds: 60_000,
      minimumQuickLoginWaitSeconds: 60,
    });
    const id = await createUser(realm, 'quin');
    await signIn(realm, 'quin', 'wrong');
    expect(await lockState(realm, id)).toMatchObject({ disabled: false, numFailures: 1 });
    await signIn(realm, 'quin', 'wrong');
    expect(await lockState(realm, id)).toMatchObject({ disabled: true, numFailures: 2 });
    // Locked: the right password is refused like a wrong one, recorded as user_temporarily_disabled and
    // not counted (AbstractUsernameFormAuthenticator#isDisabledByBruteForce).
    const robot = await signIn(realm, 'quin');
    expect(signedIn(robot)).toBe(false);
    expect(pageSays(robot, 'Invalid username or password.')).toBe(true);
    const [last] = (await userEvents(realm, id)).filter((e) => e.type === 'LOGIN_ERROR').reverse();
    expect(last?.error).toBe('user_temporarily_disabled');
    expect(await lockState(realm, id)).toMatchObject({ numFailures: 2 });
  });

  test('a disabled account is only told with the right password (the password is checked first)', async () => {
    const realm = await createFlowsRealm('flows-disabled');
    await createUser(realm, 'uma', [], { enabled: false });
    const wrong = await signIn(realm, 'uma', 'wrong');
    expect(pageSays(wrong, 'Invalid username or password.')).toBe(true);
    expect(pageSays(wrong, 'Account is disabled')).toBe(false);
    const right = await signIn(realm, 'uma');
    expect(pageSays(right, 'Account is disabled, contact your administrator.')).toBe(true);
  });

  test('permanent lockout after maxTemporaryLockouts temporary ones; a success clears the failures', async () => {
    const realm = await createFlowsRealm('flows-perm', {
      bruteForceProtected: true,
      permanentLockout: true,
      maxTemporaryLockouts: 1,
      failureFactor: 1,
      waitIncrementSeconds: 1,
      quickLoginCheckMilliSeconds: 1,
    });
    const ruth = await createUser(realm, 'ruth');
    await signIn(realm, 'ruth', 'wrong');
    expect(await lockState(realm, ruth)).toMatchObject({ disabled: true });
    expect((await kc.users.findOne({ realm, id: ruth }))?.enabled).toBe(true);
    await pause(1100);
    await signIn(realm, 'ruth', 'wrong');
    expect((await kc.users.findOne({ realm, id: ruth }))?.enabled).toBe(false);
    const types = (await userEvents(realm, ruth)).map((e) => e.type);
    expect(types).toContain('USER_DISABLED_BY_TEMPORARY_LOCKOUT');
    expect(types).toContain('USER_DISABLED_BY_PERMANENT_LOCKOUT');

    const sam = await createUser(realm, 'sam');
    await signIn(realm, 'sam', 'wrong');
    await pause(1100);
    expect(signedIn(await signIn(realm, 'sam'))).toBe(true);
    expect(await lockState(realm, sam)).toMatchObject({ disabled: false, numFailures: 0 });
  });
});

describe('built-in "Browser - Conditional 2FA"', () => {
  test('holds "Condition - credential" (webauthn-passwordless) between the user-configured condition and the OTP form', async () => {
    const realm = await createFlowsRealm('flows-2fa');
    const rows = await kc.authenticationManagement.getExecutions({ realm, flow: 'browser' });
    const start = rows.findIndex((r) => r.displayName === 'Browser - Conditional 2FA');
    const inSubflow = rows.slice(start + 1, start + 4).map((r) => [r.providerId, r.requirement]);
    expect(inSubflow).toEqual([
      ['conditional-user-configured', 'REQUIRED'],
      ['conditional-credential', 'REQUIRED'],
      ['auth-otp-form', 'ALTERNATIVE'],
    ]);
    const condition = rows[start + 2];
    const config = await kc.authenticationManagement.getConfig({
      realm,
      id: condition?.authenticationConfig as string,
    });
    expect(config.config).toMatchObject({ credentials: 'webauthn-passwordless' });
  });

  test('it does not stand in the way of OTP users: a password sign-in still asks for the code', async () => {
    const realm = await createFlowsRealm('flows-2fa-otp');
    await createUser(realm, 'tess', [otpCredential('Phone', SECRET_A)]);
    const robot = await signIn(realm, 'tess');
    expect(robot.page.html).toContain('name="otp"');
    await robot.submit({ otp: await totpCode(SECRET_A) });
    expect(signedIn(robot)).toBe(true);
  });
});
