/**
 * Admin API answers as Keycloak 26 gives them, through the official admin client (contract §12, verified
 * in Keycloak's UsersResource, ModelToRepresentation, RoleByIdResource, RoleMapperResource,
 * RolesPartialImport and RequiredActionsResource).
 */
import { createTestRealm, http } from '../support/keycloak.js';
import { kc, kut, useKeycloakAdmin } from '../support/keycloak-admin.js';

let realm: string;

useKeycloakAdmin();
beforeAll(async () => {
  realm = await createTestRealm(kc, 'kc26-admin');
});

const createUser = async (username: string, fields: Record<string, unknown> = {}) =>
  (await kc.users.create({ realm, username, enabled: true, ...fields })).id;

const createRealmRole = async (name: string) => {
  await kc.roles.create({ realm, name });
  return (await kc.roles.findOneByName({ realm, name })) as { id: string; name: string };
};

describe('users and groups (contract §12)', () => {
  test('users?q=email:x searches the built-in email field as well as attributes (UsersResource)', async () => {
    await createUser('q-alice', { email: 'alice.q@example.com' });
    await createUser('q-bob', { email: 'bob.q@example.com', firstName: 'Bob' });
    const byEmail = await kc.users.find({ realm, q: 'email:alice.q@example.com' });
    expect(byEmail.map((u) => u.username)).toEqual(['q-alice']);
    const byFirstName = await kc.users.find({ realm, q: 'firstName:Bob' });
    expect(byFirstName.map((u) => u.username)).toEqual(['q-bob']);
    const byTwoFields = await kc.users.find({ realm, q: 'username:q-alice email:alice.q@example.com' });
    expect(byTwoFields.map((u) => u.username)).toEqual(['q-alice']);
  });

  test('users/{id}/groups items carry id, name, path (+ parentId, description) and no subGroupCount (ModelToRepresentation)', async () => {
    const parent = await kc.groups.create({ realm, name: 'staff' });
    const child = await kc.groups.createChildGroup({ realm, id: parent.id }, { name: 'helpdesk', description: 'desk' });
    const userId = await createUser('member');
    await kc.users.addToGroup({ realm, id: userId, groupId: child.id });
    const groups = await kc.users.listGroups({ realm, id: userId });
    expect(groups).toEqual([
      { id: child.id, name: 'helpdesk', path: '/staff/helpdesk', parentId: parent.id, description: 'desk' },
    ]);
  });
});

describe('roles (contract §12)', () => {
  test('roles-by-id composites are brief roles; the whole list honours search, first and max, the realm part does not (RoleByIdResource)', async () => {
    const composite = await createRealmRole('bundle');
    const parts = await Promise.all(['alpha', 'beta', 'gamma'].map(createRealmRole));
    await kc.roles.createComposite({ roleId: composite.id, realm }, parts);
    const all = await kc.roles.getCompositeRoles({ realm, id: composite.id });
    expect(all.map((r) => r.name).sort()).toEqual(['alpha', 'beta', 'gamma']);
    for (const role of all) expect(role).not.toHaveProperty('attributes');
    const searched = await kc.roles.getCompositeRoles({ realm, id: composite.id, search: 'ET' });
    expect(searched.map((r) => r.name)).toEqual(['beta']);
    const paged = await kc.roles.getCompositeRoles({ realm, id: composite.id, first: 1, max: 1 });
    expect(paged.map((r) => r.name)).toEqual(['beta']);
    // The realm part takes no search: it lists every realm composite, brief.
    const realmOnly = await kc.roles.getCompositeRolesForRealm({ realm, id: composite.id, search: 'gam' } as never);
    expect(realmOnly.map((r) => r.name).sort()).toEqual(['alpha', 'beta', 'gamma']);
    for (const role of realmOnly) expect(role).not.toHaveProperty('attributes');
  });

  test("a user's composite (effective) role mappings include roles inherited through groups and parents (RoleMapperResource)", async () => {
    const parentRole = await createRealmRole('from-parent');
    const inner = await createRealmRole('inside-group-composite');
    const groupRole = await createRealmRole('from-group');
    await kc.roles.createComposite({ roleId: groupRole.id, realm }, [inner]);
    const parent = await kc.groups.create({ realm, name: 'org' });
    const child = await kc.groups.createChildGroup({ realm, id: parent.id }, { name: 'team' });
    await kc.groups.addRealmRoleMappings({ realm, id: parent.id, roles: [parentRole] });
    await kc.groups.addRealmRoleMappings({ realm, id: child.id, roles: [groupRole] });
    const userId = await createUser('inherits');
    await kc.users.addToGroup({ realm, id: userId, groupId: child.id });

    const effective = (await kc.users.listCompositeRealmRoleMappings({ realm, id: userId })).map((r) => r.name);
    expect(effective).toEqual(expect.arrayContaining(['from-parent', 'from-group', 'inside-group-composite']));
    expect(effective).toEqual(expect.arrayContaining([`default-roles-${realm}`, 'offline_access']));
    const direct = (await kc.users.listRealmRoleMappings({ realm, id: userId })).map((r) => r.name);
    expect(direct).not.toContain('from-group');

    const [client] = await kc.clients.find({ realm, clientId: 'broker' });
    if (!client) throw new Error('broker client missing');
    const readToken = await kc.clients.findRole({ realm, id: client.id as string, roleName: 'read-token' });
    await kc.groups.addClientRoleMappings({
      realm,
      id: parent.id,
      clientUniqueId: client.id as string,
      roles: [readToken as never],
    });
    const clientEffective = await kc.users.listCompositeClientRoleMappings({
      realm,
      id: userId,
      clientUniqueId: client.id as string,
    });
    expect(clientEffective.map((r) => r.name)).toEqual(['read-token']);
  });
});

describe('partial import and required-action config (contract §12)', () => {
  test('partialImport counts realm and client roles in added/results (RolesPartialImport)', async () => {
    const result = await kc.realms.partialImport({
      realm,
      rep: {
        ifResourceExists: 'SKIP',
        roles: { realm: [{ name: 'imported-role' }], client: { broker: [{ name: 'imported-client-role' }] } },
      } as never,
    });
    expect(result.added).toBe(2);
    expect(result.results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'ADDED', resourceType: 'REALM_ROLE', resourceName: 'imported-role' }),
        expect.objectContaining({ action: 'ADDED', resourceType: 'CLIENT_ROLE', resourceName: 'imported-client-role' }),
      ]),
    );
    const again = await kc.realms.partialImport({
      realm,
      rep: { ifResourceExists: 'SKIP', roles: { realm: [{ name: 'imported-role' }] } } as never,
    });
    expect(again).toMatchObject({ added: 0, skipped: 1 });
  });

  test('a registered required action with nothing set answers 200 {"config":{}}; 404 only for an unknown alias (RequiredActionsResource)', async () => {
    expect(await kc.authenticationManagement.getRequiredActionConfig({ realm, alias: 'UPDATE_PASSWORD' })).toEqual({
      config: {},
    });
    const token = (await kc.getAccessToken()) as string;
    const unknown = await http(kut, `/admin/realms/${realm}/authentication/required-actions/NO_SUCH/config`, { token });
    expect(unknown.status).toBe(404);
  });
});
