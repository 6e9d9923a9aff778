/** The pure parts of the admin scripts: flows derived from built-in ones, and readable differences. */
import { desiredBrowserSteps, type FlowStep, stepDifferences } from '../../../admin-scripts/src/desired.js';
import { acrLoaMapMatches, withLevels } from '../../../admin-scripts/src/desired-levels.js';
import { desiredResetSteps, withLinkOnlyRefusal } from '../../../admin-scripts/src/desired-recovery.js';
import { protectedConditionNames, resolveRoleName } from '../../../admin-scripts/src/protected-roles.js';
import { RealmConfigError } from '../../../realm-files/src/index.js';

const step = (level: number, provider: string, requirement: string): FlowStep => ({ level, provider, requirement });

// Keycloak 26.4's built-in browser flow, as `stepsOf` reads it.
const BROWSER: FlowStep[] = [
  step(0, 'auth-cookie', 'ALTERNATIVE'),
  step(0, 'auth-spnego', 'DISABLED'),
  step(0, 'identity-provider-redirector', 'ALTERNATIVE'),
  step(0, 'flow', 'ALTERNATIVE'),
  step(1, 'flow', 'CONDITIONAL'),
  step(2, 'conditional-user-configured', 'REQUIRED'),
  step(2, 'organization', 'ALTERNATIVE'),
  step(0, 'flow', 'ALTERNATIVE'),
  step(1, 'auth-username-password-form', 'REQUIRED'),
  step(1, 'flow', 'CONDITIONAL'),
  step(2, 'conditional-user-configured', 'REQUIRED'),
  step(2, 'auth-otp-form', 'ALTERNATIVE'),
  step(2, 'webauthn-authenticator', 'DISABLED'),
];

const RESET: FlowStep[] = [
  step(0, 'reset-credentials-choose-user', 'REQUIRED'),
  step(0, 'reset-credential-email', 'REQUIRED'),
  step(0, 'reset-password', 'REQUIRED'),
  step(0, 'flow', 'CONDITIONAL'),
  step(1, 'conditional-user-configured', 'REQUIRED'),
  step(1, 'reset-otp', 'REQUIRED'),
];

test('conditional OTP keeps the built-in browser flow as it is', () => {
  expect(desiredBrowserSteps(BROWSER, 'conditional')).toEqual(BROWSER);
});

test('required OTP makes the 2FA subflow and the OTP form REQUIRED and switches its condition off', () => {
  const steps = desiredBrowserSteps(BROWSER, 'required');
  expect(stepDifferences(BROWSER, steps)).toEqual([
    'step 10:   flow CONDITIONAL ->   flow REQUIRED',
    'step 11:     conditional-user-configured REQUIRED ->     conditional-user-configured DISABLED',
    'step 12:     auth-otp-form ALTERNATIVE ->     auth-otp-form REQUIRED',
  ]);
  // the organization subflow's condition is left alone
  expect(steps[5]).toEqual(BROWSER[5]);
});

const FLOW = { alias: 'r', resetOtp: 'keep-until-new-device' as const };
const shape = (steps: FlowStep[]) => steps.map((s) => `${s.level} ${s.provider} ${s.requirement}`);

test('every level but email-only: a code from an existing device after the email, Reset OTP off', () => {
  for (const level of ['password-and-email', 'device-and-email', 'helpdesk-only'] as const) {
    const steps = desiredResetSteps(RESET, FLOW, { level, protectedRoles: ['admin'] });
    expect(shape(steps)).toEqual([
      '0 reset-credentials-choose-user REQUIRED',
      '0 reset-credential-email REQUIRED',
      '0 flow CONDITIONAL',
      '1 conditional-user-attribute REQUIRED',
      '1 deny-access-authenticator REQUIRED',
      '0 flow CONDITIONAL',
      '1 conditional-user-configured REQUIRED',
      '1 auth-otp-form REQUIRED',
      '0 reset-password REQUIRED',
      '0 flow DISABLED',
      '1 conditional-user-configured REQUIRED',
      '1 reset-otp REQUIRED',
    ]);
    expect(steps[2]?.added).toBe('link-only enrolment');
    expect(steps[3]?.config).toEqual({
      attribute_name: 'otp-enrolment',
      attribute_expected_value: 'link-only',
      not: 'false',
    });
    expect(steps[5]?.added).toBe('existing device');
  }
});

test('email-only: Reset OTP "Remove none", and each protected role needs a code from an existing device', () => {
  const steps = desiredResetSteps(RESET, FLOW, {
    level: 'email-only',
    protectedRoles: ['admin', 'realm-management.manage-users'],
  });
  expect(shape(steps)).toEqual([
    '0 reset-credentials-choose-user REQUIRED',
    '0 reset-credential-email REQUIRED',
    '0 flow CONDITIONAL',
    '1 conditional-user-attribute REQUIRED',
    '1 deny-access-authenticator REQUIRED',
    '0 reset-password REQUIRED',
    '0 flow CONDITIONAL',
    '1 conditional-user-configured REQUIRED',
    '1 reset-otp REQUIRED',
    '0 flow CONDITIONAL',
    '1 conditional-user-role REQUIRED',
    '1 auth-otp-form REQUIRED',
    '0 flow CONDITIONAL',
    '1 conditional-user-role REQUIRED',
    '1 auth-otp-form REQUIRED',
  ]);
  expect(steps[8]?.config).toEqual({ action_on_otp_reset_flag: 'Remove none' });
  expect(steps[10]?.config).toEqual({ condUserRole: 'admin', negate: 'false' });
  expect(steps[13]?.config).toEqual({ condUserRole: 'realm-management.manage-users', negate: 'false' });
});

test("realm.yaml's reset keys may restate the level, never contradict it", () => {
  const policy = { level: 'password-and-email' as const, protectedRoles: [] };
  expect(() => desiredResetSteps(RESET, { ...FLOW, requireCodeFromExistingDevice: true }, policy)).not.toThrow();
  expect(() => desiredResetSteps(RESET, { ...FLOW, requireCodeFromExistingDevice: false }, policy)).toThrow(
    RealmConfigError,
  );
  const emailOnly = { level: 'email-only' as const, protectedRoles: [] };
  expect(() => desiredResetSteps(RESET, { ...FLOW, requireCodeFromExistingDevice: true }, emailOnly)).toThrow(
    /contradicts sidecar.yaml recovery.level: email-only/,
  );
  for (const resetOtp of ['remove-one', 'remove-all'] as const)
    expect(() => desiredResetSteps(RESET, { ...FLOW, resetOtp }, emailOnly)).toThrow(/mailbox alone remove devices/);
});

/** A realm of clients (clientId → role names) and realm roles, for the resolution. */
const realmOf = (clients: Record<string, string[]>, realmRoles: string[]) => ({
  clientRoles: async (clientId: string) => clients[clientId],
  realmRoleExists: async (name: string) => realmRoles.includes(name),
});

test('protected roles: client:* expands to the client roles, client:role to clientId.role', async () => {
  const realm = realmOf({ 'realm-management': ['view-users', 'manage-users'], app: ['editor'] }, ['admin']);
  const names = await protectedConditionNames(['admin', 'realm-management:*', 'app:editor', 'admin'], realm, new Set());
  expect(names).toEqual(['admin', 'app.editor', 'realm-management.manage-users', 'realm-management.view-users']);
});

test('a role name resolves as Keycloak reads it: the last dot naming a client, else a realm role', async () => {
  const realm = realmOf({ 'acme.portal': ['editor'], acme: ['portal.editor'], shop: ['orders.refund'] }, ['team.lead']);
  expect(await resolveRoleName('acme.portal.editor', realm)).toEqual({ clientId: 'acme.portal', role: 'editor' });
  expect(await resolveRoleName('shop.orders.refund', realm)).toEqual({ clientId: 'shop', role: 'orders.refund' });
  expect(await resolveRoleName('team.lead', realm)).toEqual({ role: 'team.lead' });
  expect(await resolveRoleName('acme.portal.viewer', realm)).toBeUndefined();
});

test('a protected role that does not exist, or that Keycloak reads as another role, is refused by name', async () => {
  const realm = realmOf({ 'realm-management': ['view-users'], 'acme.portal': ['editor'], acme: ['portal.editor'] }, []);
  const names = (entries: string[], declared: string[] = []) =>
    protectedConditionNames(entries, realm, new Set(declared));
  await expect(names(['auditor'])).rejects.toThrow('"auditor" is no role of the realm');
  await expect(names(['app:editor'])).rejects.toThrow('"app:editor" names client "app", which does not exist');
  await expect(names(['realm-management:manage-userz'])).rejects.toThrow('"realm-management:manage-userz"');
  await expect(names(['acme:portal.editor'])).rejects.toThrow(
    `read by Keycloak as client "acme.portal"'s role "editor"`,
  );
  // Roles realm.yaml creates count; built-in defaults the realm lacks protect nobody and are left out.
  expect(await names(['otp-helpdesk', 'admin', 'otp-helpdesk-admin'], ['otp-helpdesk'])).toEqual(['otp-helpdesk']);
});

test('the browser flow refuses a link-only enrolment right after the password', () => {
  const steps = withLinkOnlyRefusal(desiredBrowserSteps(BROWSER, 'conditional'));
  expect(shape(steps.slice(8, 12))).toEqual([
    '1 auth-username-password-form REQUIRED',
    '1 flow CONDITIONAL',
    '2 conditional-user-attribute REQUIRED',
    '2 deny-access-authenticator REQUIRED',
  ]);
  expect(steps[11]?.config).toEqual({
    denyErrorMessage: 'Use the setup link we emailed you to set up your authenticator.',
  });
});

test('a config difference is a difference; an undeclared config is not', () => {
  const withConfig = [{ ...step(0, 'reset-otp', 'REQUIRED'), config: { action_on_otp_reset_flag: 'Remove all' } }];
  expect(stepDifferences([step(0, 'reset-otp', 'REQUIRED')], withConfig)).toHaveLength(1);
  expect(stepDifferences(withConfig, [step(0, 'reset-otp', 'REQUIRED')])).toEqual([]);
});

test('levels: the built-in 2FA subflow gives way to level 2 (OTP for users with a device) and level 1', () => {
  const steps = withLevels(desiredBrowserSteps(BROWSER, 'conditional'), 'conditional');
  expect(shape(steps.slice(9))).toEqual([
    '1 flow DISABLED',
    '2 conditional-user-configured REQUIRED',
    '2 auth-otp-form ALTERNATIVE',
    '2 webauthn-authenticator DISABLED',
    '1 flow CONDITIONAL',
    '2 conditional-level-of-authentication REQUIRED',
    '2 conditional-user-configured REQUIRED',
    '2 auth-otp-form REQUIRED',
    '1 flow CONDITIONAL',
    '2 conditional-level-of-authentication REQUIRED',
    '2 conditional-credential REQUIRED',
    '2 allow-access-authenticator REQUIRED',
  ]);
  expect(steps[14]?.config).toEqual({ 'loa-condition-level': '2', 'loa-max-age': '36000' });
  expect(steps[19]?.config).toEqual({ credentials: 'otp', included: 'false' });
  // otp: required — level 2 asks every user, device or not
  const required = withLevels(desiredBrowserSteps(BROWSER, 'required'), 'required');
  expect(
    required.some(
      (s) =>
        s.provider === 'conditional-user-configured' &&
        s.level === 2 &&
        s.requirement === 'REQUIRED' &&
        required.indexOf(s) > 12,
    ),
  ).toBe(false);
});

test('acr.loa.map matches by value, not by spelling', () => {
  expect(acrLoaMapMatches('{ "pwd": 1, "mfa": 2 }')).toBe(true);
  expect(acrLoaMapMatches('{"mfa":2}')).toBe(false);
  expect(acrLoaMapMatches(undefined)).toBe(false);
});
