/**
 * Who is in the policy's groups and exempt roles, read page by page from Keycloak: the members of each
 * scope or exempt group and of its subgroups, and the users holding an exempt realm role directly. Only
 * user ids are kept, so memory grows with those groups, not with the realm.
 */
import type { KeycloakConnection } from '../keycloak/connection.js';
import { statusOf } from '../keycloak/connection.js';
import type { EnforcementPolicy } from './policy.js';

const PAGE = 200;

export interface Membership {
  inScope(userId: string): boolean;
  /** the exempt group path or role name that exempts the user */
  exemptBy(userId: string): string | undefined;
}

const groupIdByPath = async (keycloak: KeycloakConnection, path: string): Promise<string | undefined> =>
  keycloak.call('groupByPath', async (client) => {
    const segments = path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
    const response = await fetch(
      `${client.baseUrl}/admin/realms/${encodeURIComponent(keycloak.realm)}/group-by-path/${segments}`,
      {
        headers: { authorization: `Bearer ${await client.getAccessToken()}` },
      },
    );
    if (response.status === 404) return undefined;
    if (!response.ok) throw Object.assign(new Error(`group-by-path answered ${response.status}`), { response });
    return ((await response.json()) as { id: string }).id;
  });

/**
 * Pages through a list endpoint until a short page. An aborted `signal` stops the walk between pages (a
 * shutting-down sidecar leaves long passes at a page boundary, where they resume or start over safely).
 */
export async function* pages<T>(
  fetchPage: (first: number, max: number) => Promise<T[]>,
  size = PAGE,
  signal?: AbortSignal,
) {
  for (let first = 0; ; first += size) {
    signal?.throwIfAborted();
    const page = await fetchPage(first, size);
    yield page;
    if (page.length < size) return;
  }
}

const membersOfTree = async (keycloak: KeycloakConnection, groupId: string, into: Set<string>) => {
  const realm = keycloak.realm;
  for await (const page of pages((first, max) =>
    keycloak.call('groupMembers', (c) =>
      c.groups.listMembers({ realm, id: groupId, first, max, briefRepresentation: true }),
    ),
  ))
    for (const user of page) if (user.id) into.add(user.id);
  for await (const page of pages((first, max) =>
    keycloak.call('subGroups', (c) =>
      c.groups.listSubGroups({ realm, parentId: groupId, first, max, briefRepresentation: true }),
    ),
  ))
    for (const child of page) if (child.id) await membersOfTree(keycloak, child.id, into);
};

const groupMembers = async (keycloak: KeycloakConnection, path: string): Promise<Set<string>> => {
  const members = new Set<string>();
  const id = await groupIdByPath(keycloak, path);
  if (id) await membersOfTree(keycloak, id, members);
  return members;
};

const roleHolders = async (keycloak: KeycloakConnection, name: string): Promise<Set<string>> => {
  const realm = keycloak.realm;
  const holders = new Set<string>();
  try {
    for await (const page of pages((first, max) =>
      keycloak.call('roleUsers', (c) =>
        c.roles.findUsersWithRole({ realm, name, first, max, briefRepresentation: true } as never),
      ),
    ))
      for (const user of page) if (user.id) holders.add(user.id);
  } catch (error) {
    if (statusOf(error) !== 404) throw error; // a role that does not exist exempts nobody
  }
  return holders;
};

export const readMembership = async (keycloak: KeycloakConnection, policy: EnforcementPolicy): Promise<Membership> => {
  const scope = policy.scope === 'all' ? undefined : new Set<string>();
  if (policy.scope !== 'all')
    for (const path of policy.scope.groups) for (const id of await groupMembers(keycloak, path)) scope?.add(id);
  const exempt: [string, Set<string>][] = [];
  for (const path of policy.exempt.groups) exempt.push([path, await groupMembers(keycloak, path)]);
  for (const role of policy.exempt.roles) exempt.push([`role ${role}`, await roleHolders(keycloak, role)]);
  return {
    inScope: (userId) => !scope || scope.has(userId),
    exemptBy: (userId) => exempt.find(([, ids]) => ids.has(userId))?.[0],
  };
};
