/**
 * The admin scripts against a Keycloak under test: a fresh realm is bootstrapped from a copy of
 * realm-config/demo, a second apply changes nothing, drift is planned exactly and verify fails on it,
 * bad policy files are refused before anything is sent, and the resulting realm behaves: new users must
 * set up OTP, "Forgot password?" treats old devices as declared.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { applyChanges, exportRealmFile, planRealm } from '../../admin-scripts/src/index.js';
import { loadRealmConfig, RealmConfigError } from '../../realm-files/src/index.js';
import { codeFor } from '../support/browser.js';
import { LoginRobot } from '../support/login-robot.js';
import { linkIn } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';
import { cli, dir, env, kc, kut, mail, realm, SECRET, usePolicyLab, writePolicy } from './policy-lab.js';

usePolicyLab();

const serviceAccountRoles = async (clientId: string) => {
  const [client] = await kc.clients.find({ realm, clientId });
  const [management] = await kc.clients.find({ realm, clientId: 'realm-management' });
  const account = await kc.clients.getServiceAccountUser({ realm, id: client?.id as string });
  return (
    await kc.users.listClientRoleMappings({ realm, id: account.id as string, clientUniqueId: management?.id as string })
  )
    .map((r) => r.name)
    .sort();
};

describe('bad input', () => {
  test('a typo, a wrong type or an unknown key is reported with the file and path', async () => {
    const file = join(dir, 'realm.yaml');
    writeFileSync(file, 'realm: x\notpPolicy:\n  digts: 6\n  period: "thirty"\nbruteForce:\n  enabled: maybe\n');
    let error: unknown;
    try {
      loadRealmConfig(dir, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RealmConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`${file}: otpPolicy: unknown key "digts"`);
    expect(message).toMatch(new RegExp(`${file}: otpPolicy.period: .*number`));
    expect(message).toMatch(new RegExp(`${file}: bruteForce.enabled: .*boolean`));

    const run = await cli('plan', dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown key "digts"');
  });

  test('a secret named by the policy must be in the environment', () => {
    writePolicy();
    expect(() => loadRealmConfig(dir, {})).toThrow(
      `${join(dir, 'realm.yaml')}: sidecarClient.secretEnv: environment variable SIDECAR_CLIENT_SECRET is not set`,
    );
  });
});

describe('apply', () => {
  test('bootstraps a fresh realm, and a second apply changes nothing', async () => {
    const config = writePolicy();
    const plan = await planRealm(kc, config);
    expect(plan.map((c) => c.summary)).toEqual([`create realm ${realm}, then apply the whole policy`]);
    await applyChanges(plan);

    const live = await kc.realms.findOne({ realm });
    expect(live).toMatchObject({
      otpPolicyType: 'totp',
      otpPolicyAlgorithm: 'HmacSHA1',
      otpPolicyDigits: 6,
      otpPolicyPeriod: 30,
      otpPolicyLookAheadWindow: 1,
      otpPolicyCodeReusable: false,
      resetPasswordAllowed: true,
      bruteForceProtected: true,
      failureFactor: 5,
      actionTokenGeneratedByUserLifespan: 900,
      browserFlow: 'browser-2fa',
      resetCredentialsFlow: 'reset-credentials-2fa',
      smtpServer: expect.objectContaining({ host: mail.host, port: String(mail.port) }),
    });
    const events = await kc.realms.getConfigEvents({ realm });
    expect(events).toMatchObject({ eventsEnabled: true, adminEventsEnabled: true, adminEventsDetailsEnabled: true });
    // What the sidecar's feed reads; not the types Keycloak 26 records only as _ERROR on link paths (contract §11).
    expect(events.enabledEventTypes).toEqual(
      expect.arrayContaining([
        'UPDATE_CREDENTIAL',
        'REMOVE_CREDENTIAL',
        'UPDATE_TOTP',
        'REMOVE_TOTP',
        'SEND_RESET_PASSWORD',
        'REGISTER',
        'DELETE_ACCOUNT',
        'LOGIN',
      ]),
    );
    for (const neverSucceeds of ['RESET_PASSWORD', 'EXECUTE_ACTIONS', 'EXECUTE_ACTION_TOKEN'])
      expect(events.enabledEventTypes).not.toContain(neverSucceeds);
    const totp = await kc.authenticationManagement.getRequiredActionForAlias({ realm, alias: 'CONFIGURE_TOTP' });
    expect(totp).toMatchObject({ enabled: true, defaultAction: true });

    const reset = await kc.authenticationManagement.getExecutions({ realm, flow: 'reset-credentials-2fa' });
    const resetOtp = reset.find((e) => e.providerId === 'reset-otp');
    const resetConfig = await kc.authenticationManagement.getConfig({
      realm,
      id: resetOtp?.authenticationConfig as string,
    });
    expect(resetConfig.config).toEqual({ action_on_otp_reset_flag: 'Remove none' });
    // The built-in flows are untouched.
    const builtIn = await kc.authenticationManagement.getExecutions({ realm, flow: 'reset credentials' });
    expect(builtIn.find((e) => e.providerId === 'reset-otp')?.authenticationConfig).toBeUndefined();

    expect(await serviceAccountRoles('otp-sidecar')).toEqual([
      'manage-users',
      'query-clients',
      'view-events',
      'view-realm',
      'view-users',
    ]);
    const [sidecar] = await kc.clients.find({ realm, clientId: 'otp-sidecar' });
    expect(sidecar).toMatchObject({ publicClient: false, serviceAccountsEnabled: true, standardFlowEnabled: false });
    expect((await kc.clients.getClientSecret({ realm, id: sidecar?.id as string })).value).toBe(SECRET);
    const [helpdeskClient] = await kc.clients.find({ realm, clientId: 'otp-helpdesk' });
    expect(helpdeskClient).toMatchObject({
      publicClient: true,
      standardFlowEnabled: true,
      directAccessGrantsEnabled: false,
      attributes: expect.objectContaining({ 'pkce.code.challenge.method': 'S256' }),
    });
    expect(await kc.roles.findOneByName({ realm, name: 'otp-helpdesk' })).toMatchObject({ name: 'otp-helpdesk' });
    // The recovery links' client: public, no flow at all (only the emailed action token opens a session for
    // it), back to the sidecar's /recovery/complete; its sign-in companion: code flow with PKCE only.
    const [recoveryClient] = await kc.clients.find({ realm, clientId: 'otp-recovery' });
    expect(recoveryClient).toMatchObject({
      publicClient: true,
      standardFlowEnabled: false,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
      serviceAccountsEnabled: false,
      redirectUris: ['http://localhost:8081/recovery/complete', 'http://127.0.0.1:8081/recovery/complete'],
    });
    const [signInClient] = await kc.clients.find({ realm, clientId: 'otp-recovery-signin' });
    expect(signInClient).toMatchObject({
      publicClient: true,
      standardFlowEnabled: true,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
      serviceAccountsEnabled: false,
      redirectUris: ['http://localhost:8081/recovery/complete', 'http://127.0.0.1:8081/recovery/complete'],
      attributes: expect.objectContaining({ 'pkce.code.challenge.method': 'S256' }),
    });
    // Staff sign-in: levels of authentication and the scopes that put acr and auth_time in the tokens.
    expect(JSON.parse(String(live?.attributes?.['acr.loa.map']))).toEqual({ pwd: 1, mfa: 2 });
    const scopes = await kc.clients.listDefaultClientScopes({ realm, id: helpdeskClient?.id as string });
    expect(scopes.map((s) => s.name)).toEqual(expect.arrayContaining(['acr', 'basic']));
    const profile = await kc.users.getProfile({ realm });
    expect(profile.attributes?.find((a) => a.name === 'otp-enrolment')?.permissions).toEqual({
      view: ['admin'],
      edit: ['admin'],
    });

    expect(await planRealm(kc, config)).toEqual([]);
    const again = await cli('apply', dir);
    expect(again.stdout).toContain(`No changes: realm ${realm}`);
    expect(again.status).toBe(0);
  });

  test('plan shows exactly the drift; verify fails on it and passes after apply', async () => {
    const config = writePolicy();
    await kc.realms.update({ realm }, { otpPolicyDigits: 8 });
    const [sidecar] = await kc.clients.find({ realm, clientId: 'otp-sidecar' });
    const [management] = await kc.clients.find({ realm, clientId: 'realm-management' });
    const account = await kc.clients.getServiceAccountUser({ realm, id: sidecar?.id as string });
    const role = (name: string) => kc.clients.findRole({ realm, id: management?.id as string, roleName: name });
    const [viewEvents, manageRealm] = await Promise.all([role('view-events'), role('manage-realm')]);
    const mapping = (r: typeof viewEvents) => [{ id: r?.id as string, name: r?.name as string }];
    const target = { realm, id: account.id as string, clientUniqueId: management?.id as string };
    await kc.users.delClientRoleMappings({ ...target, roles: mapping(viewEvents) });
    await kc.users.addClientRoleMappings({ ...target, roles: mapping(manageRealm) });

    const plan = await planRealm(kc, config);
    expect(plan.map((c) => [c.area, c.details])).toEqual([
      ['realm', ['otpPolicyDigits: 8 -> 6']],
      ['client', ['+ realm-management/view-events', '- realm-management/manage-realm']],
    ]);

    const verify = await cli('verify', dir);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toContain('otpPolicyDigits: 8 -> 6');
    expect((await cli('apply', dir)).status).toBe(0);
    const clean = await cli('verify', dir);
    expect(clean.stdout).toContain(`OK: realm ${realm} matches`);
    expect(clean.status).toBe(0);
  });

  test('a protected role the realm lacks is refused by name by plan, verify and apply', async () => {
    const sidecarFile = join(dir, 'sidecar.yaml');
    const original = readFileSync(sidecarFile, 'utf8');
    const policy = parse(original);
    policy.recovery.protectedRoles = ['realm-management:*', 'otp-helpdesk', 'auditors'];
    writeFileSync(sidecarFile, stringify(policy));
    try {
      await expect(planRealm(kc, writePolicy())).rejects.toThrow('"auditors" is no role of the realm');
      for (const command of ['plan', 'verify', 'apply']) {
        const run = await cli(command, dir);
        expect([command, run.status]).toEqual([command, 2]);
        expect(run.stderr).toContain('sidecar.yaml recovery.protectedRoles: "auditors" is no role of the realm');
      }
      await kc.roles.create({ realm, name: 'auditors' });
      expect(await planRealm(kc, writePolicy())).toEqual([]);
    } finally {
      writeFileSync(sidecarFile, original);
      await kc.roles.delByName({ realm, name: 'auditors' }).catch(() => undefined);
    }
  });
});

describe('export', () => {
  test('reads the levels and the reset flow back as realm.yaml declares them', async () => {
    const exported = parse(await exportRealmFile(kc, realm));
    expect(exported.browserFlow).toEqual({ alias: 'browser-2fa', otp: 'conditional' });
    expect(exported.resetCredentialsFlow).toEqual({
      alias: 'reset-credentials-2fa',
      resetOtp: 'keep-until-new-device',
    });
  });
});

describe('the bootstrapped realm', () => {
  const startLogin = async (robot: LoginRobot, extra: Record<string, string> = {}) => {
    const [helpdesk] = await kc.clients.find({ realm, clientId: 'otp-helpdesk' });
    await kc.clients.update(
      { realm, id: helpdesk?.id as string },
      { ...helpdesk, redirectUris: ['http://app.test/*'] },
    );
    const params = new URLSearchParams({
      client_id: 'otp-helpdesk',
      redirect_uri: 'http://app.test/callback',
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      ...extra,
    });
    return robot.open(`${kut.baseUrl}/realms/${realm}/protocol/openid-connect/auth?${params}`);
  };

  const VERIFIER = 'staff-sign-in-verifier-0123456789-abcdefghijklmnop';
  const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

  test('staff asking mfa: a code from the device gives acr mfa; the password alone gives pwd', async () => {
    // Without the default CONFIGURE_TOTP of new accounts: this test is about the levels alone.
    const ids = [
      await createTestUser(kc, realm, 'staffer', { credentials: [otpCredential('Staff phone', SECRET_A)] }),
      await createTestUser(kc, realm, 'plain'),
    ];
    for (const id of ids) await kc.users.update({ realm, id }, { requiredActions: [] });
    const tokenAcr = async (robot: LoginRobot) => {
      const code = new URL(robot.page.url).searchParams.get('code') as string;
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'otp-helpdesk',
        code,
        redirect_uri: 'http://app.test/callback',
        code_verifier: VERIFIER,
      });
      const response = await fetch(`${kut.baseUrl}/realms/${realm}/protocol/openid-connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      const json = (await response.json()) as { id_token: string };
      if (!json.id_token) throw new Error(`${robot.page.url}: ${JSON.stringify(json)}`);
      return JSON.parse(Buffer.from(json.id_token.split('.')[1] as string, 'base64url').toString()).acr;
    };
    const staff = new LoginRobot();
    await startLogin(staff, { acr_values: 'mfa', max_age: '600', code_challenge: CHALLENGE });
    await staff.submit({ username: 'staffer', password: passwordOf('staffer') });
    expect(staff.page.html).toContain('name="otp"');
    await staff.submit({ otp: await codeFor({ secret: SECRET_A }) });
    expect(await tokenAcr(staff)).toBe('mfa');
    const plain = new LoginRobot();
    await startLogin(plain, { acr_values: 'mfa', max_age: '600', code_challenge: CHALLENGE });
    await plain.submit({ username: 'plain', password: passwordOf('plain') });
    expect(await tokenAcr(plain)).toBe('pwd');
  });

  test('a new user must set up OTP at the first login (CONFIGURE_TOTP is a default action)', async () => {
    await kc.users.create({
      realm,
      username: 'newbie',
      enabled: true,
      email: 'newbie@example.org',
      firstName: 'New',
      lastName: 'User',
      credentials: [{ type: 'password', value: 'newbie-password', temporary: false }],
    });
    const robot = new LoginRobot();
    await startLogin(robot);
    await robot.submit({ username: 'newbie', password: 'newbie-password' });
    expect(robot.textOf('kc-page-title')).toBe('Mobile Authenticator Setup');
    expect(robot.page.html).toContain('kc-totp-secret-qr-code');
  });

  const lostPhoneReset = async (username: string) => {
    const id = await createTestUser(kc, realm, username, { credentials: [otpCredential('Lost phone', SECRET_A)] });
    const robot = new LoginRobot();
    await startLogin(robot);
    await robot.follow('Forgot Password\\?');
    await robot.submit({ username });
    const email = await mail.waitFor((m) => m.to.includes(`${username}@example.org`) && m.subject === 'Reset password');
    await robot.open(linkIn(email));
    const devices = (await kc.users.getCredentials({ realm, id })).filter((c) => c.type === 'otp');
    return { robot, devices };
  };

  test('"Forgot password?" at the default level asks a code from the existing device and removes nothing', async () => {
    const { robot, devices } = await lostPhoneReset('kate');
    expect(devices.map((d) => d.userLabel)).toEqual(['Lost phone']);
    expect(robot.page.html).toContain('name="otp"');
    expect(robot.textOf('kc-page-title')).not.toBe('Mobile Authenticator Setup');
  });

  test('a Reset OTP mode that removes devices, or a code check against the level, is refused', async () => {
    const removing = writePolicy((policy) => {
      policy.resetCredentialsFlow.resetOtp = 'remove-all';
    });
    await expect(planRealm(kc, removing)).rejects.toThrow(/resetOtp: remove-all lets the mailbox alone remove devices/);
    writePolicy((policy) => {
      policy.resetCredentialsFlow.requireCodeFromExistingDevice = false;
    });
    const run = await cli('plan', dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('contradicts sidecar.yaml recovery.level: password-and-email');
  });

  test('at email-only the link leads to a new device and keeps the old one until the sidecar retires it', async () => {
    const sidecarFile = parse(readFileSync('realm-config/demo/sidecar.yaml', 'utf8'));
    writeFileSync(join(dir, 'sidecar.yaml'), stringify({ ...sidecarFile, recovery: { level: 'email-only' } }));
    try {
      const config = writePolicy();
      const plan = await planRealm(kc, config);
      expect(plan.map((c) => c.area)).toEqual(['flow']);
      await applyChanges(plan);
      expect(await planRealm(kc, config)).toEqual([]);
      const { robot, devices } = await lostPhoneReset('liam');
      expect(devices.map((d) => d.userLabel)).toEqual(['Lost phone']);
      expect(robot.textOf('kc-page-title')).toBe('Mobile Authenticator Setup');
    } finally {
      copyFileSync('realm-config/demo/sidecar.yaml', join(dir, 'sidecar.yaml'));
      await applyChanges(await planRealm(kc, writePolicy()));
    }
  });
});
