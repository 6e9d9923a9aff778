/**
 * Who is in the policy's groups and exempt roles, read page by page from Keycloak: the members of each
 * scope or exempt group and of its subgroups, and the users holding an exempt realm role directly. Only
 * user ids are kept, so memory grows with those groups, not with the realm.
 */
import type { KeycloakConnection } from '../keycloak/connection.js';
import { KeycloakGroups } from '../keycloak/groups.js';
import { KeycloakRoles } from '../keycloak/roles.js';
import type { KeycloakUsers } from '../keycloak/users.js';
import type { EnforcementPolicy } from './policy.js';

export interface Membership {
  inScope(userId: string): boolean;
  /** the exempt group path or role name that exempts the user */
  exemptBy(userId: string): string | undefined;
}

export const readMembership = async (keycloak: KeycloakConnection, policy: EnforcementPolicy): Promise<Membership> => {
  const groups = new KeycloakGroups(keycloak);
  const roles = new KeycloakRoles(keycloak);
  const scope = policy.scope === 'all' ? undefined : new Set<string>();
  if (policy.scope !== 'all')
    for (const path of policy.scope.groups) for (const id of await groups.membersOf(path)) scope?.add(id);
  const exempt: [string, Set<string>][] = [];
  for (const path of policy.exempt.groups) exempt.push([path, await groups.membersOf(path)]);
  for (const role of policy.exempt.roles) exempt.push([`role ${role}`, await roles.holdersOf(role)]);
  return {
    inScope: (userId) => !scope || scope.has(userId),
    exemptBy: (userId) => exempt.find(([, ids]) => ids.has(userId))?.[0],
  };
};

/** One user's membership from their groups (as paths) and direct realm roles, for a single-user decision. */
export const readUserMembership = async (
  users: KeycloakUsers,
  policy: EnforcementPolicy,
  userId: string,
): Promise<Membership> => {
  const paths = (await users.groups(userId)).map((g) => g.path ?? '');
  const roles = await users.realmRoles(userId);
  const under = (root: string) => paths.some((p) => p === root || p.startsWith(`${root}/`));
  const exemptGroup = policy.exempt.groups.find(under);
  const exemptRole = policy.exempt.roles.find((r) => roles.some((m) => m.name === r));
  return {
    inScope: () => policy.scope === 'all' || policy.scope.groups.some(under),
    exemptBy: () => exemptGroup ?? (exemptRole ? `role ${exemptRole}` : undefined),
  };
};
