/**
 * The protected-account check reads effective roles (composites and groups included) and fails closed: a
 * Keycloak error, or a client of a protected pattern it cannot resolve, refuses the write (issue 19, attack 4).
 */
import { protectionOf } from '../../../sidecar/src/helpdesk/privilege.js';
import type { KeycloakRoles } from '../../../sidecar/src/keycloak/roles.js';
import type { KeycloakUsers } from '../../../sidecar/src/keycloak/users.js';

const RULES = { protectedRoles: ['admin', 'realm-management:*', 'lab-app:operator'], protectedGroups: ['/it'] };

const users = (over: Partial<Record<'realm' | 'client' | 'groups', unknown>> = {}) =>
  ({
    effectiveRealmRoles: async () => over.realm ?? [{ name: 'default-roles-lab' }],
    effectiveClientRoles: async (_id: string, uuid: string) => (over.client as Record<string, unknown>)?.[uuid] ?? [],
    groups: async () => over.groups ?? [{ path: '/staff' }],
  }) as unknown as KeycloakUsers;

const roles = (uuids: Record<string, string | undefined> = { 'realm-management': 'rm', 'lab-app': 'la' }) =>
  ({ clientUuid: async (clientId: string) => uuids[clientId] }) as unknown as KeycloakRoles;

test('effective realm roles, any role of a client, a named client role and groups (with subgroups) protect', async () => {
  expect(await protectionOf(users(), roles(), RULES, 'u')).toBeUndefined();
  expect(await protectionOf(users({ realm: [{ name: 'admin' }] }), roles(), RULES, 'u')).toBe('role admin');
  expect(await protectionOf(users({ client: { rm: [{ name: 'view-users' }] } }), roles(), RULES, 'u')).toBe(
    'role realm-management:*',
  );
  expect(await protectionOf(users({ client: { la: [{ name: 'reader' }] } }), roles(), RULES, 'u')).toBeUndefined();
  expect(await protectionOf(users({ client: { la: [{ name: 'operator' }] } }), roles(), RULES, 'u')).toBe(
    'role lab-app:operator',
  );
  expect(await protectionOf(users({ groups: [{ path: '/it/admins' }] }), roles(), RULES, 'u')).toBe('group /it');
});

test('fails closed: a lookup error or an unresolvable client refuses with 503', async () => {
  const broken = {
    ...users(),
    effectiveRealmRoles: async () => {
      throw new Error('socket hang up');
    },
  } as unknown as KeycloakUsers;
  await expect(protectionOf(broken, roles(), RULES, 'u')).rejects.toMatchObject({
    status: 503,
    code: 'privilege_check_failed',
  });
  await expect(protectionOf(users(), roles({ 'realm-management': 'rm' }), RULES, 'u')).rejects.toMatchObject({
    status: 503,
    message: 'Cannot resolve the client lab-app of a protected role',
  });
});
