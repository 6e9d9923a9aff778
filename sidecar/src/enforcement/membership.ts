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
  /** holds a staff role (directly or through a group): never exempt */
  staff(userId: string): boolean;
  /** the exempt group path or role name that exempts the user */
  exemptBy(userId: string): string | undefined;
}

export const readMembership = async (
  keycloak: KeycloakConnection,
  policy: EnforcementPolicy,
  staffRoles: string[] = [],
): Promise<Membership> => {
  const groups = new KeycloakGroups(keycloak);
  const roles = new KeycloakRoles(keycloak);
  const scope = policy.scope === 'all' ? undefined : new Set<string>();
  if (policy.scope !== 'all')
    for (const path of policy.scope.groups) for (const id of await groups.membersOf(path)) scope?.add(id);
  const exempt: [string, Set<string>][] = [];
  for (const path of policy.exempt.groups) exempt.push([path, await groups.membersOf(path)]);
  for (const role of policy.exempt.roles) exempt.push([`role ${role}`, await roles.holdersOf(role)]);
  const staff = exempt.length > 0 ? await staffHolders(keycloak, staffRoles) : new Set<string>();
  return {
    inScope: (userId) => !scope || scope.has(userId),
    staff: (userId) => staff.has(userId),
    exemptBy: (userId) => exempt.find(([, ids]) => ids.has(userId))?.[0],
  };
};

/** Holders of the staff roles, directly or through a group holding one (read only when someone could be exempt). */
const staffHolders = async (keycloak: KeycloakConnection, staffRoles: string[]): Promise<Set<string>> => {
  const groups = new KeycloakGroups(keycloak);
  const roles = new KeycloakRoles(keycloak);
  const holders = new Set<string>();
  for (const role of staffRoles) {
    for (const id of await roles.holdersOf(role)) holders.add(id);
    for (const groupId of await roles.groupsWith(role))
      for (const id of await groups.membersOfId(groupId)) holders.add(id);
  }
  return holders;
};

/** One user's membership from their groups (as paths) and direct realm roles, for a single-user decision. */
export const readUserMembership = async (
  users: KeycloakUsers,
  policy: EnforcementPolicy,
  userId: string,
  staffRoles: string[] = [],
): Promise<Membership> => {
  const paths = (await users.groups(userId)).map((g) => g.path ?? '');
  const roles = await users.realmRoles(userId);
  // Effective roles (groups, composites): a staff role reached any way keeps OTP mandatory.
  const effective = await users.effectiveRealmRoles(userId);
  const staff = effective.some((r) => staffRoles.includes(r.name ?? ''));
  const under = (root: string) => paths.some((p) => p === root || p.startsWith(`${root}/`));
  const exemptGroup = policy.exempt.groups.find(under);
  const exemptRole = policy.exempt.roles.find((r) => roles.some((m) => m.name === r));
  return {
    inScope: () => policy.scope === 'all' || policy.scope.groups.some(under),
    staff: () => staff,
    exemptBy: () => exemptGroup ?? (exemptRole ? `role ${exemptRole}` : undefined),
  };
};
