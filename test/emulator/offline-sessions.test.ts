/**
 * Offline tokens (scope `offline_access`) as Keycloak 26 keeps them: an offline session apart from the online
 * one, listed per client (`users/{id}/offline-sessions/{client}`) and in the consents ("Offline Token"
 * grant); ending the online session leaves it; revoking the client's consent, deleting the offline session
 * (`?isOffline=true`) or a user logout (its not-before) stops its refresh token; without the realm role
 * `offline_access` none is issued (TokenManager, UserResource, RealmAdminResource#deleteSession).
 */
import { createTestRealm } from '../support/keycloak.js';
import { kc, kut, useKeycloakAdmin } from '../support/keycloak-admin.js';

let realm: string;
let clientUuid: string;
const CLIENT = 'offline-app';

useKeycloakAdmin();
beforeAll(async () => {
  realm = await createTestRealm(kc, 'offline-sessions');
  ({ id: clientUuid } = await kc.clients.create({
    realm,
    clientId: CLIENT,
    publicClient: true,
    directAccessGrantsEnabled: true,
  }));
});

const tokenEndpoint = () => `${kut.baseUrl}/realms/${realm}/protocol/openid-connect/token`;

const post = async (body: Record<string, string>) => {
  const response = await fetch(tokenEndpoint(), {
    method: 'POST',
    body: new URLSearchParams({ client_id: CLIENT, ...body }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
};

const signIn = (username: string, scope = 'openid offline_access') =>
  post({ grant_type: 'password', username, password: `${username}-pw`, scope });

const refresh = async (refreshToken: string) => post({ grant_type: 'refresh_token', refresh_token: refreshToken });

const typOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).typ;

const userNamed = async (username: string) =>
  (
    await kc.users.create({
      realm,
      username,
      enabled: true,
      credentials: [{ type: 'password', value: `${username}-pw`, temporary: false }],
    })
  ).id;

test('an offline session outlives the online one and is listed and revoked per client', async () => {
  const id = await userNamed('ola');
  const signedIn = await signIn('ola');
  expect(signedIn.status).toBe(200);
  expect(typOf(signedIn.json.refresh_token as string)).toBe('Offline');

  expect(await kc.users.listOfflineSessions({ realm, id, clientId: clientUuid })).toHaveLength(1);
  expect(await kc.users.listConsents({ realm, id })).toMatchObject([
    { clientId: CLIENT, additionalGrants: [{ client: clientUuid, key: 'Offline Token' }] },
  ]);

  // Ending the online session (as "sign out everywhere else" does) leaves the offline one.
  await kc.realms.deleteSession({ realm, session: signedIn.json.session_state as string, isOffline: false });
  expect(await kc.users.listSessions({ realm, id })).toEqual([]);
  expect((await refresh(signedIn.json.refresh_token as string)).status).toBe(200);

  // Revoking the client's consent revokes its offline tokens.
  await kc.users.revokeConsent({ realm, id, clientId: CLIENT });
  const refused = await refresh(signedIn.json.refresh_token as string);
  expect([refused.status, refused.json.error]).toEqual([400, 'invalid_grant']);
  expect(await kc.users.listConsents({ realm, id })).toEqual([]);
  expect(await kc.users.listOfflineSessions({ realm, id, clientId: clientUuid })).toEqual([]);
  await expect(kc.users.revokeConsent({ realm, id, clientId: CLIENT })).rejects.toMatchObject({
    response: { status: 404 },
  });
});

test('deleting the offline session by its id ends it; a user logout stales the offline token', async () => {
  const id = await userNamed('oskar');
  const first = await signIn('oskar');
  const [offline] = await kc.users.listOfflineSessions({ realm, id, clientId: clientUuid });
  await kc.realms.deleteSession({ realm, session: offline?.id as string, isOffline: true });
  expect((await refresh(first.json.refresh_token as string)).json.error).toBe('invalid_grant');

  const second = await signIn('oskar');
  expect((await refresh(second.json.refresh_token as string)).status).toBe(200);
  // The not-before is whole seconds and a token of that very second still passes: log out in the next one.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await kc.users.logout({ realm, id });
  const stale = await refresh(second.json.refresh_token as string);
  expect([stale.status, stale.json.error]).toEqual([400, 'invalid_grant']);
});

test('no offline token for a user without the offline_access role', async () => {
  const id = await userNamed('otto');
  const defaults = await kc.roles.findOneByName({ realm, name: `default-roles-${realm}` });
  await kc.users.delRealmRoleMappings({
    realm,
    id,
    roles: [{ id: defaults?.id as string, name: defaults?.name as string }],
  });
  const refused = await signIn('otto');
  expect([refused.status, refused.json.error]).toEqual([400, 'not_allowed']);
  expect((await signIn('otto', 'openid')).status).toBe(200);
});
