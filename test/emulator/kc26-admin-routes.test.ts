/**
 * Routes a Keycloak-compatible server answers for the admin client (contract §12, routes read in
 * @keycloak/keycloak-admin-client's resources; behaviour in Keycloak's AdminConsole, RealmAdminResource,
 * UserResource and JpaUserProvider), with Keycloak's permission checks (contract §2).
 */
import { createTestRealm, http, tokenFor } from '../support/keycloak.js';
import { kc, kut, useKeycloakAdmin } from '../support/keycloak-admin.js';

let realm: string;

useKeycloakAdmin();
beforeAll(async () => {
  realm = await createTestRealm(kc, 'kc26-routes');
});

/** A token of a service account in `realm` holding these realm-management roles. */
const tokenWithRoles = async (clientId: string, roles: string[]) => {
  const { id } = await kc.clients.create({
    realm,
    clientId,
    publicClient: false,
    serviceAccountsEnabled: true,
    secret: `${clientId}-secret`,
  });
  const account = await kc.clients.getServiceAccountUser({ realm, id });
  const [management] = await kc.clients.find({ realm, clientId: 'realm-management' });
  const available = await kc.clients.listRoles({ realm, id: management?.id as string });
  await kc.users.addClientRoleMappings({
    realm,
    id: account.id as string,
    clientUniqueId: management?.id as string,
    roles: available
      .filter((r) => roles.includes(r.name as string))
      .map((r) => ({ id: r.id as string, name: r.name as string })),
  });
  const response = await tokenFor(kut, realm, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: `${clientId}-secret`,
  });
  return response.json.access_token as string;
};

describe('console and server info', () => {
  test('whoami answers only admin-console tokens (keycloak#25219) with the caller and its management roles (AdminConsole.whoAmI)', async () => {
    const adminCliToken = (await kc.getAccessToken()) as string;
    const refused = await http(kut, `/admin/master/console/whoami?currentRealm=${realm}`, { token: adminCliToken });
    expect(refused.status).toBe(403);

    const [console] = await kc.clients.find({ realm, clientId: 'security-admin-console' });
    await kc.clients.update({ realm, id: console?.id as string }, { directAccessGrantsEnabled: true });
    const { id: userId } = await kc.users.create({
      realm,
      username: 'console-admin',
      firstName: 'Grace',
      lastName: 'Admin',
      email: 'console-admin@example.org',
      emailVerified: true,
      enabled: true,
      credentials: [{ type: 'password', value: 'console-pw-1', temporary: false }],
    });
    const [management] = await kc.clients.find({ realm, clientId: 'realm-management' });
    const roles = await kc.clients.listRoles({ realm, id: management?.id as string });
    await kc.users.addClientRoleMappings({
      realm,
      id: userId,
      clientUniqueId: management?.id as string,
      roles: roles
        .filter((r) => ['view-realm', 'manage-users'].includes(r.name as string))
        .map((r) => ({ id: r.id as string, name: r.name as string })),
    });
    const login = await tokenFor(kut, realm, {
      grant_type: 'password',
      client_id: 'security-admin-console',
      username: 'console-admin',
      password: 'console-pw-1',
    });
    expect(login.status).toBe(200);
    const me = await http(kut, `/admin/${realm}/console/whoami`, { token: login.json.access_token });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ userId, realm, displayName: 'Grace Admin', createRealm: false, temporary: false });
    expect([...me.json.realm_access[realm]].sort()).toEqual(['manage-users', 'view-realm']);
  });

  test('serverinfo answers the system version and the providers the server has (ServerInfoAdminResource)', async () => {
    const info = await kc.serverInfo.find();
    expect(info.systemInfo?.version).toMatch(/^26\./);
    expect(Object.keys(info.providers?.authenticator?.providers ?? {})).toEqual(
      expect.arrayContaining(['auth-username-password-form', 'auth-otp-form']),
    );
    expect((info.protocolMapperTypes?.['openid-connect'] ?? []).map((t) => t.id)).toEqual(
      expect.arrayContaining([
        'oidc-audience-mapper',
        'oidc-acr-mapper',
        'oidc-amr-mapper',
        'oidc-hardcoded-claim-mapper',
      ]),
    );
  });
});

describe('realm routes (RealmAdminResource)', () => {
  test('default groups: a user created through the admin API joins them (JpaUserProvider.addUser)', async () => {
    const group = await kc.groups.create({ realm, name: 'everyone' });
    await kc.realms.addDefaultGroup({ realm, id: group.id });
    expect((await kc.realms.getDefaultGroups({ realm })).map((g) => g.name)).toEqual(['everyone']);
    const { id } = await kc.users.create({ realm, username: 'newcomer', enabled: true });
    expect((await kc.users.listGroups({ realm, id })).map((g) => g.name)).toEqual(['everyone']);
    await kc.realms.removeDefaultGroup({ realm, id: group.id });
    expect(await kc.realms.getDefaultGroups({ realm })).toEqual([]);
  });

  test('keys list the active RS256 key whose kid signs the tokens', async () => {
    const keys = await kc.realms.getKeys({ realm });
    const certs = await http(kut, `/realms/${realm}/protocol/openid-connect/certs`);
    const signing = certs.json.keys.find((k: { alg: string }) => k.alg === 'RS256');
    expect(keys.active?.RS256).toBe(signing.kid);
    expect(keys.keys).toEqual(expect.arrayContaining([expect.objectContaining({ kid: signing.kid, type: 'RSA' })]));
  });

  test('partial-export answers the realm without users and masks client secrets', async () => {
    await kc.clients.create({ realm, clientId: 'secretive', publicClient: false, secret: 'do-not-show' });
    const exported = await kc.realms.export({ realm, exportClients: true, exportGroupsAndRoles: true });
    expect(exported.realm).toBe(realm);
    // Users are never exported (service accounts may be, with their clients).
    expect((exported.users ?? []).every((u) => u.username?.startsWith('service-account-'))).toBe(true);
    const client = exported.clients?.find((c) => c.clientId === 'secretive');
    expect(client?.secret).toBe('**********');
    expect(exported.clientScopes?.map((s) => s.name)).toEqual(expect.arrayContaining(['profile', 'acr', 'basic']));
  });

  test('an exported realm imports with its client scopes, default scope lists and default groups', async () => {
    await kc.clientScopes.create({ realm, name: 'exported-scope', protocol: 'openid-connect' });
    const scope = await kc.clientScopes.findOneByName({ realm, name: 'exported-scope' });
    await kc.realms.addDefaultGroup({ realm, id: (await kc.groups.create({ realm, name: 'starters' })).id });
    await kc.clientScopes.addDefaultOptionalClientScope({ realm, id: scope?.id as string });
    const exported = await kc.realms.export({ realm, exportClients: false, exportGroupsAndRoles: true });
    const copy = `${realm}-copy`;
    // Ids are unique server-wide in Keycloak, so the copy is imported without them.
    const withoutIds = JSON.parse(
      JSON.stringify(exported, (key, value) => (key === 'id' || key === 'containerId' ? undefined : value)),
    );
    await kc.realms.create({ ...withoutIds, realm: copy });
    expect(await kc.clientScopes.findOneByName({ realm: copy, name: 'exported-scope' })).toBeTruthy();
    const optional = await kc.clientScopes.listDefaultOptionalClientScopes({ realm: copy } as never);
    expect(optional.map((s) => s.name)).toContain('exported-scope');
    expect((await kc.realms.getDefaultGroups({ realm: copy })).map((g) => g.path)).toContain('/starters');
  });

  test('client-session-stats counts sessions per client; logout-all ends them', async () => {
    await kc.users.create({
      realm,
      username: 'sessioned',
      enabled: true,
      credentials: [{ type: 'password', value: 'pw-123456', temporary: false }],
    });
    const login = await tokenFor(kut, realm, {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: 'sessioned',
      password: 'pw-123456',
    });
    expect(login.status).toBe(200);
    const stats = await kc.realms.getClientSessionStats({ realm });
    expect(stats.find((s) => s.clientId === 'admin-cli')).toMatchObject({ active: '1', offline: '0' });
    await kc.realms.logoutAll({ realm });
    expect(await kc.realms.getClientSessionStats({ realm })).toEqual([]);
    const refreshed = await tokenFor(kut, realm, {
      grant_type: 'refresh_token',
      client_id: 'admin-cli',
      refresh_token: login.json.refresh_token,
    });
    expect(refreshed.status).toBe(400);
    expect(await kc.realms.pushRevocation({ realm })).toBeDefined();
  });

  test('users-management-permissions answer 501: fine-grained admin permissions (v1) are off by default (ProfileHelper.requireFeature)', async () => {
    const token = (await kc.getAccessToken()) as string;
    const read = await http(kut, `/admin/realms/${realm}/users-management-permissions`, { token });
    expect(read.status).toBe(501);
  });
});

describe('user routes (UserResource)', () => {
  test('a user without consents, offline tokens or identity links answers empty lists', async () => {
    const { id } = await kc.users.create({ realm, username: 'plain', enabled: true });
    expect(await kc.users.listConsents({ realm, id })).toEqual([]);
    expect(await kc.users.listFederatedIdentities({ realm, id })).toEqual([]);
    const [adminCli] = await kc.clients.find({ realm, clientId: 'admin-cli' });
    expect(await kc.users.listOfflineSessions({ realm, id, clientId: adminCli?.id as string })).toEqual([]);
  });
});

describe('permissions (contract §2)', () => {
  test('view-realm reads keys but may not change default groups; view-users reads consents but may not log all out', async () => {
    const viewer = await tokenWithRoles('realm-viewer', ['view-realm']);
    expect((await http(kut, `/admin/realms/${realm}/keys`, { token: viewer })).status).toBe(200);
    const exportedByViewer = await http(kut, `/admin/realms/${realm}/partial-export`, {
      method: 'POST',
      token: viewer,
    });
    expect(exportedByViewer.status).toBe(200);
    const withClients = await http(kut, `/admin/realms/${realm}/partial-export?exportClients=true`, {
      method: 'POST',
      token: viewer,
    });
    expect(withClients.status).toBe(403);
    const group = await kc.groups.create({ realm, name: 'guarded' });
    const put = await http(kut, `/admin/realms/${realm}/default-groups/${group.id}`, { method: 'PUT', token: viewer });
    expect(put.status).toBe(403);

    const userViewer = await tokenWithRoles('user-viewer', ['view-users']);
    const { id } = await kc.users.create({ realm, username: 'watched', enabled: true });
    expect((await http(kut, `/admin/realms/${realm}/users/${id}/consents`, { token: userViewer })).status).toBe(200);
    const logoutAll = await http(kut, `/admin/realms/${realm}/logout-all`, { method: 'POST', token: userViewer });
    expect(logoutAll.status).toBe(403);
    expect((await http(kut, `/admin/realms/${realm}/keys`, { token: userViewer })).status).toBe(403);
  });
});
