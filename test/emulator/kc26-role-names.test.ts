/**
 * How "Condition - user role" reads its role name (`condUserRole`), as KeycloakModelUtils#getRoleFromString
 * does: from the last dot leftwards, the first prefix naming a client decides (`acme.portal.editor` is client
 * `acme.portal`'s role `editor` when that client exists, else client `acme`'s role `portal.editor`); a name no
 * client prefix matches is a realm role, dots and all; a name that resolves to no role is false, even negated
 * (ConditionalRoleAuthenticator#matchCondition).
 */
import { kc } from '../support/keycloak-admin.js';
import { createFlowsRealm, createUser, signedIn, signIn, useFlowsLab } from './kc26-flows-lab.js';
import { bindBrowserFlow, type Sub } from './kc26-loa-lab.js';

useFlowsLab();

let realm: string;

const refusedWhen = (condUserRole: string, message: string, negate = 'false'): Sub => ({
  subflow: `refused when ${condUserRole}`,
  requirement: 'CONDITIONAL',
  steps: [
    { provider: 'conditional-user-role', config: { condUserRole, negate } },
    { provider: 'deny-access-authenticator', config: { denyErrorMessage: message } },
  ],
});

const clientRole = async (clientId: string, name: string) => {
  const existing = await kc.clients.find({ realm, clientId });
  const id = existing[0]?.id ?? (await kc.clients.create({ realm, clientId })).id;
  await kc.clients.createRole({ realm, id, name });
  const role = await kc.clients.findRole({ realm, id, roleName: name });
  return { clientUniqueId: id, roles: [{ id: role?.id as string, name }] };
};

let grants: Record<string, Awaited<ReturnType<typeof clientRole>>>;

beforeAll(async () => {
  realm = await createFlowsRealm('role-names');
  grants = {
    portalEditor: await clientRole('acme.portal', 'editor'),
    acmePortalEditor: await clientRole('acme', 'portal.editor'),
    shopRefund: await clientRole('shop', 'orders.refund'),
  };
  await kc.roles.create({ realm, name: 'team.lead' });
  await bindBrowserFlow(realm, 'role names', [
    { provider: 'auth-cookie', requirement: 'ALTERNATIVE' },
    {
      subflow: 'role names forms',
      requirement: 'ALTERNATIVE',
      steps: [
        { provider: 'auth-username-password-form' },
        refusedWhen('acme.portal.editor', 'Refused as acme.portal.editor.'),
        refusedWhen('shop.orders.refund', 'Refused as shop.orders.refund.'),
        refusedWhen('team.lead', 'Refused as team.lead.'),
        refusedWhen('no.such.role', 'Refused by a role that does not exist.', 'true'),
      ],
    },
  ]);
});

const userWith = async (username: string, grant?: Awaited<ReturnType<typeof clientRole>>) => {
  const id = await createUser(realm, username);
  if (grant) await kc.users.addClientRoleMappings({ realm, id, ...grant });
  return id;
};

test('clientId.role splits at the last dot that names a client, else it is a realm role', async () => {
  await userWith('ines', grants.portalEditor);
  await userWith('jon', grants.shopRefund);
  const kim = await userWith('kim');
  const lead = await kc.roles.findOneByName({ realm, name: 'team.lead' });
  await kc.users.addRealmRoleMappings({ realm, id: kim, roles: [{ id: lead?.id as string, name: 'team.lead' }] });
  expect((await signIn(realm, 'ines')).textOf('kc-error-message')).toBe('Refused as acme.portal.editor.');
  expect((await signIn(realm, 'jon')).textOf('kc-error-message')).toBe('Refused as shop.orders.refund.');
  expect((await signIn(realm, 'kim')).textOf('kc-error-message')).toBe('Refused as team.lead.');
});

test('the other reading of the name and a role that does not exist match nobody, negated or not', async () => {
  // Client `acme`'s role `portal.editor` is not what `acme.portal.editor` names while client `acme.portal` exists.
  await userWith('lou', grants.acmePortalEditor);
  await userWith('mo');
  for (const username of ['lou', 'mo']) expect(signedIn(await signIn(realm, username))).toBe(true);
});
