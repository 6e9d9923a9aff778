/** Effective roles of a user: direct mappings, group mappings (with parent groups), composites expanded. */
import type { RealmModel, RoleModel, UserModel } from './model.js';
import { clientByClientId, roleById } from './store.js';

const groupChain = (realm: RealmModel, groupId: string) => {
  const chain = [];
  let group = realm.groups.get(groupId);
  while (group) {
    chain.push(group);
    group = group.parentId ? realm.groups.get(group.parentId) : undefined;
  }
  return chain;
};

interface RoleHolderIds {
  realmRoleIds: Set<string>;
  clientRoleIds: Map<string, Set<string>>;
}

/**
 * Role ids mapped to a holder directly or through these groups and their parents, before composite
 * expansion (Keycloak's `hasRole` counts group memberships and parent groups).
 */
export const mappedRoleIds = (realm: RealmModel, holder: RoleHolderIds, groupIds: Iterable<string>): Set<string> => {
  const ids = new Set<string>(holder.realmRoleIds);
  for (const roles of holder.clientRoleIds.values()) for (const id of roles) ids.add(id);
  for (const groupId of groupIds) {
    for (const group of groupChain(realm, groupId)) {
      for (const id of group.realmRoleIds) ids.add(id);
      for (const roles of group.clientRoleIds.values()) for (const id of roles) ids.add(id);
    }
  }
  return ids;
};

export const expandComposites = (realm: RealmModel, roleIds: Iterable<string>): Map<string, RoleModel> => {
  const result = new Map<string, RoleModel>();
  const pending = [...roleIds];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    if (result.has(id)) continue;
    const role = roleById(realm, id);
    if (!role) continue;
    result.set(id, role);
    for (const part of role.compositeIds) pending.push(part);
  }
  return result;
};

export const effectiveRoles = (realm: RealmModel, user: UserModel): Map<string, RoleModel> =>
  expandComposites(realm, mappedRoleIds(realm, user, user.groupIds));

/** Effective roles grouped as a token shows them: realm role names, and client roles by clientId. */
export const rolesForToken = (realm: RealmModel, user: UserModel) => {
  const realmRoles: string[] = [];
  const clientRoles = new Map<string, string[]>();
  for (const role of effectiveRoles(realm, user).values()) {
    if (!role.clientRole) {
      realmRoles.push(role.name);
      continue;
    }
    const client = realm.clients.get(role.containerId);
    if (!client) continue;
    const names = clientRoles.get(client.clientId) ?? [];
    names.push(role.name);
    clientRoles.set(client.clientId, names);
  }
  return { realmRoles, clientRoles };
};

/** KeycloakModelUtils#getRoleFromString gives up on a client after this many dot positions. */
const MAX_CLIENT_LOOKUPS = 25;

/**
 * A role named as `clientId.role` or a realm role, as KeycloakModelUtils#getRoleFromString reads it: from the
 * last dot leftwards, the first prefix that names a client decides (its role, or none); else the realm role.
 */
export const roleFromString = (realm: RealmModel, name: string): RoleModel | undefined => {
  let dot = name.lastIndexOf('.');
  for (let lookups = 0; dot >= 0 && lookups < MAX_CLIENT_LOOKUPS; lookups++) {
    const client = clientByClientId(realm, name.slice(0, dot));
    if (client) return client.roles.get(name.slice(dot + 1));
    dot = dot === 0 ? -1 : name.lastIndexOf('.', dot - 1);
  }
  return realm.roles.get(name);
};
