import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createTestRealm, http, tokenFor } from '../support/keycloak.js';
import { kc, kut, useKeycloakAdmin } from '../support/keycloak-admin.js';

let realm: string;
let otherRealm: string;
let userId: string;

/** A confidential client whose service account holds the given realm-management roles; returns its token. */
const serviceAccountToken = async (inRealm: string, clientId: string, roles: string[]) => {
  const { id } = await kc.clients.create({
    realm: inRealm,
    clientId,
    publicClient: false,
    serviceAccountsEnabled: true,
    secret: `${clientId}-secret`,
  });
  const account = await kc.clients.getServiceAccountUser({ realm: inRealm, id });
  const [management] = await kc.clients.find({ realm: inRealm, clientId: 'realm-management' });
  const available = await kc.clients.listRoles({ realm: inRealm, id: management?.id as string });
  const wanted = available.filter((r) => roles.includes(r.name as string));
  if (wanted.length > 0) {
    await kc.users.addClientRoleMappings({
      realm: inRealm,
      id: account.id as string,
      clientUniqueId: management?.id as string,
      roles: wanted.map((r) => ({ id: r.id as string, name: r.name as string })),
    });
  }
  const response = await tokenFor(kut, inRealm, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: `${clientId}-secret`,
  });
  expect(response.status).toBe(200);
  return response.json.access_token as string;
};

useKeycloakAdmin();
beforeAll(async () => {
  realm = await createTestRealm(kc, 'authz');
  otherRealm = await createTestRealm(kc, 'authz-other');
  ({ id: userId } = await kc.users.create({ realm, username: 'target', email: 'target@example.org', enabled: true }));
});

describe('401 for missing or invalid tokens', () => {
  test('no token, garbage, a token signed by another key, and alg none', async () => {
    const noToken = await http(kut, `/admin/realms/${realm}/users`);
    expect(noToken.status).toBe(401);
    expect(noToken.json).toEqual({ error: 'HTTP 401 Unauthorized' });
    expect((await http(kut, `/admin/realms/${realm}/users`, { token: 'not-a-jwt' })).status).toBe(401);

    const genuine = jwt.decode((await kc.getAccessToken()) as string) as jwt.JwtPayload;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = jwt.sign(genuine, privateKey, { algorithm: 'RS256', keyid: 'forged' });
    expect((await http(kut, `/admin/realms/${realm}/users`, { token: forged })).status).toBe(401);
    const unsigned = jwt.sign(genuine, '', { algorithm: 'none' });
    expect((await http(kut, `/admin/realms/${realm}/users`, { token: unsigned })).status).toBe(401);
  });

  test('an unknown realm still needs a token first', async () => {
    expect((await http(kut, '/admin/realms/no-such-realm/users')).status).toBe(401);
  });
});

describe('realm-management roles decide', () => {
  test('view-users reads users and credentials but cannot change them', async () => {
    const token = await serviceAccountToken(realm, 'viewer', ['view-users']);
    expect((await http(kut, `/admin/realms/${realm}/users`, { token })).status).toBe(200);
    expect((await http(kut, `/admin/realms/${realm}/users/${userId}`, { token })).status).toBe(200);
    expect((await http(kut, `/admin/realms/${realm}/users/${userId}/credentials`, { token })).status).toBe(200);
    const update = await http(kut, `/admin/realms/${realm}/users/${userId}`, {
      method: 'PUT',
      token,
      json: { firstName: 'X' },
    });
    expect(update.status).toBe(403);
    expect(update.json).toEqual({ error: 'HTTP 403 Forbidden' });
    expect((await http(kut, `/admin/realms/${realm}/events`, { token })).status).toBe(403);
    expect(
      (await http(kut, `/admin/realms/${realm}`, { method: 'PUT', token, json: { displayName: 'x' } })).status,
    ).toBe(403);
  });

  test('query-users alone lists nobody but counts everybody', async () => {
    const token = await serviceAccountToken(realm, 'querier', ['query-users']);
    const list = await http(kut, `/admin/realms/${realm}/users`, { token });
    expect(list.status).toBe(200);
    expect(list.json).toEqual([]);
    const count = await http(kut, `/admin/realms/${realm}/users/count`, { token });
    expect(count.status).toBe(200);
    expect(count.json).toBeGreaterThanOrEqual(1);
    expect((await http(kut, `/admin/realms/${realm}/users/${userId}`, { token })).status).toBe(403);
  });

  test('manage-users changes users; view-events reads events; view-realm reads the realm', async () => {
    const token = await serviceAccountToken(realm, 'sidecar', [
      'view-users',
      'manage-users',
      'view-events',
      'view-realm',
    ]);
    const update = await http(kut, `/admin/realms/${realm}/users/${userId}`, {
      method: 'PUT',
      token,
      json: { firstName: 'Tara' },
    });
    expect(update.status).toBe(204);
    expect((await http(kut, `/admin/realms/${realm}/events`, { token })).status).toBe(200);
    expect((await http(kut, `/admin/realms/${realm}/admin-events`, { token })).status).toBe(200);
    const realmRep = await http(kut, `/admin/realms/${realm}`, { token });
    expect(realmRep.status).toBe(200);
    expect(realmRep.json.otpPolicyDigits).toBe(6);
    expect(
      (await http(kut, `/admin/realms/${realm}/events/config`, { method: 'PUT', token, json: { eventsEnabled: true } }))
        .status,
    ).toBe(403);
  });

  test('without view-realm the realm is shown reduced', async () => {
    const token = await serviceAccountToken(realm, 'reduced', ['view-users']);
    const realmRep = await http(kut, `/admin/realms/${realm}`, { token });
    expect(realmRep.status).toBe(200);
    expect(realmRep.json.realm).toBe(realm);
    expect(realmRep.json.otpPolicyDigits).toBeUndefined();
  });

  test('a token without any admin role is forbidden everywhere', async () => {
    const token = await serviceAccountToken(realm, 'nobody', []);
    expect((await http(kut, `/admin/realms/${realm}/users`, { token })).status).toBe(403);
    expect((await http(kut, `/admin/realms/${realm}`, { token })).status).toBe(403);
  });

  test('a realm’s token does not reach another realm', async () => {
    const token = await serviceAccountToken(realm, 'crossing', ['view-users']);
    expect((await http(kut, `/admin/realms/${otherRealm}/users`, { token })).status).toBe(403);
  });

  test('the master admin may do everything in every realm', async () => {
    const token = (await kc.getAccessToken()) as string;
    expect((await http(kut, `/admin/realms/${realm}/users`, { token })).status).toBe(200);
    expect((await http(kut, `/admin/realms/${otherRealm}/events/config`, { token })).status).toBe(200);
  });

  test('logging the user out revokes its tokens', async () => {
    await kc.users.create({
      realm,
      username: 'admin-person',
      enabled: true,
      credentials: [{ type: 'password', value: 'ap-pass' }],
    });
    const [person] = await kc.users.find({ realm, username: 'admin-person', exact: true });
    const [management] = await kc.clients.find({ realm, clientId: 'realm-management' });
    const viewUsers = await kc.clients.findRole({ realm, id: management?.id as string, roleName: 'view-users' });
    await kc.users.addClientRoleMappings({
      realm,
      id: person?.id as string,
      clientUniqueId: management?.id as string,
      roles: [{ id: viewUsers?.id as string, name: 'view-users' }],
    });
    const login = await tokenFor(kut, realm, {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: 'admin-person',
      password: 'ap-pass',
    });
    const token = login.json.access_token as string;
    expect((await http(kut, `/admin/realms/${realm}/users`, { token })).status).toBe(200);
    await kc.users.logout({ realm, id: person?.id as string });
    expect((await http(kut, `/admin/realms/${realm}/users`, { token })).status).toBe(401);
  });
});
