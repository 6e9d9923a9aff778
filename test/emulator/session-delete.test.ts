/**
 * One session ended by an administrator (`DELETE /admin/realms/{realm}/sessions/{id}`, RealmAdminResource
 * .deleteSession), as a completed recovery uses it to end the user's *other* sessions: that session is gone
 * from `users/{id}/sessions` and its refresh token stops working; the others stay; an unknown id is a 404.
 */
import { createTestRealm } from '../support/keycloak.js';
import { kc, kut, useKeycloakAdmin } from '../support/keycloak-admin.js';

let realm: string;

useKeycloakAdmin();
beforeAll(async () => {
  realm = await createTestRealm(kc, 'session-delete');
});

const tokenEndpoint = () => `${kut.baseUrl}/realms/${realm}/protocol/openid-connect/token`;

const signIn = async () => {
  const response = await fetch(tokenEndpoint(), {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'sam', password: 'sam-pw' }),
  });
  return (await response.json()) as { session_state: string; refresh_token: string };
};

const refresh = async (refreshToken: string) =>
  (
    await fetch(tokenEndpoint(), {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'admin-cli', refresh_token: refreshToken }),
    })
  ).status;

test('ends that one session only; an unknown id is a 404', async () => {
  const { id } = await kc.users.create({
    realm,
    username: 'sam',
    enabled: true,
    credentials: [{ type: 'password', value: 'sam-pw', temporary: false }],
  });
  const [kept, ended] = [await signIn(), await signIn()];
  await kc.realms.deleteSession({ realm, session: ended.session_state, isOffline: false });
  expect((await kc.users.listSessions({ realm, id })).map((s) => s.id)).toEqual([kept.session_state]);
  expect([await refresh(kept.refresh_token), await refresh(ended.refresh_token)]).toEqual([200, 400]);
  await expect(
    kc.realms.deleteSession({ realm, session: ended.session_state, isOffline: false }),
  ).rejects.toMatchObject({
    response: { status: 404 },
  });
});
