/**
 * "Condition - user attribute", "Condition - user role" and "Deny access" (contract §13, read in
 * ConditionalUserAttributeValue, ConditionalRoleAuthenticator and DenyAccessAuthenticator): a conditional
 * subflow after the password refuses the users it matches with the configured message; the role condition
 * sees effective roles — through a composite role or a group as well as direct. Each refusal of "Deny access"
 * counts as a failed login for brute-force detection (DefaultAuthenticationFlow#processResult → logFailure).
 */
import { LoginRobot } from '../support/login-robot.js';
import { passwordOf } from '../support/users.js';
import { authorizeUrl, createFlowsRealm, createUser, kc, pageSays, signedIn, useFlowsLab } from './kc26-flows-lab.js';
import { bindBrowserFlow } from './kc26-loa-lab.js';

useFlowsLab();

let realm: string;

const deny = (message: string) => ({ provider: 'deny-access-authenticator', config: { denyErrorMessage: message } });

beforeAll(async () => {
  realm = await createFlowsRealm('conditions');
  // Keycloak 26 keeps only declared attributes: declare `blocked` (admin-only).
  const profile = await kc.users.getProfile({ realm });
  await kc.users.updateProfile({
    realm,
    ...profile,
    attributes: [
      ...(profile.attributes ?? []),
      {
        name: 'blocked',
        displayName: 'blocked',
        permissions: { view: ['admin'], edit: ['admin'] },
        multivalued: false,
      },
    ],
  });
  await kc.roles.create({ realm, name: 'vip' });
  await kc.roles.create({ realm, name: 'vip-bundle' });
  const vip = await kc.roles.findOneByName({ realm, name: 'vip' });
  await kc.roles.createComposite(
    { realm, roleId: (await kc.roles.findOneByName({ realm, name: 'vip-bundle' }))?.id as string },
    [vip as never],
  );
  await bindBrowserFlow(realm, 'guarded', [
    { provider: 'auth-cookie', requirement: 'ALTERNATIVE' },
    {
      subflow: 'guarded forms',
      requirement: 'ALTERNATIVE',
      steps: [
        { provider: 'auth-username-password-form' },
        {
          subflow: 'guarded attribute',
          requirement: 'CONDITIONAL',
          steps: [
            {
              provider: 'conditional-user-attribute',
              config: { attribute_name: 'blocked', attribute_expected_value: 'yes', not: 'false' },
            },
            deny('Blocked by attribute.'),
          ],
        },
        {
          subflow: 'guarded role',
          requirement: 'CONDITIONAL',
          steps: [
            { provider: 'conditional-user-role', config: { condUserRole: 'vip', negate: 'false' } },
            deny('Blocked by role.'),
          ],
        },
      ],
    },
  ]);
});

const attempt = async (username: string) => {
  const robot = new LoginRobot();
  await robot.open(authorizeUrl(realm));
  await robot.submit({ username, password: passwordOf(username) });
  return robot;
};

test('a user with the attribute value is refused with the configured message; other values pass', async () => {
  await createUser(realm, 'bea', [], { attributes: { blocked: ['yes'] } });
  await createUser(realm, 'cid', [], { attributes: { blocked: ['no'] } });
  const refused = await attempt('bea');
  expect(refused.page.status).toBe(401);
  expect(refused.textOf('kc-error-message')).toBe('Blocked by attribute.');
  expect(signedIn(refused)).toBe(false);
  expect(signedIn(await attempt('cid'))).toBe(true);
});

test('the role condition sees direct, composite and group roles', async () => {
  const direct = await createUser(realm, 'dora');
  const viaComposite = await createUser(realm, 'emil');
  const viaGroup = await createUser(realm, 'fay');
  await createUser(realm, 'gus');
  const role = async (name: string) => (await kc.roles.findOneByName({ realm, name })) as { id: string; name: string };
  await kc.users.addRealmRoleMappings({ realm, id: direct, roles: [await role('vip')] });
  await kc.users.addRealmRoleMappings({ realm, id: viaComposite, roles: [await role('vip-bundle')] });
  const { id: groupId } = await kc.groups.create({ realm, name: 'vips' });
  await kc.groups.addRealmRoleMappings({ realm, id: groupId, roles: [await role('vip')] });
  await kc.users.addToGroup({ realm, id: viaGroup, groupId });
  for (const username of ['dora', 'emil', 'fay']) {
    const robot = await attempt(username);
    expect(robot.textOf('kc-error-message')).toBe('Blocked by role.');
  }
  expect(signedIn(await attempt('gus'))).toBe(true);
});

test('each refusal by "Deny access" counts toward brute-force detection', async () => {
  await kc.realms.update({ realm }, { bruteForceProtected: true, failureFactor: 2, permanentLockout: false });
  const hal = await createUser(realm, 'hal', [], { attributes: { blocked: ['yes'] } });
  for (let i = 0; i < 2; i++) expect((await attempt('hal')).textOf('kc-error-message')).toBe('Blocked by attribute.');
  expect(await kc.attackDetection.findOne({ realm, id: hal })).toMatchObject({ numFailures: 2, disabled: true });
  // Locked: the right password is refused at the form, before the flow reaches "Deny access".
  const locked = await attempt('hal');
  expect(pageSays(locked, 'Invalid username or password.')).toBe(true);
  expect(locked.textOf('kc-error-message')).not.toBe('Blocked by attribute.');
});
