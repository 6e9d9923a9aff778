/** The group tree: creating (with subgroups and roles) under sibling-name rules, deleting, searching. */
import { randomUUID } from 'node:crypto';
import type GroupRepresentation from '@keycloak/keycloak-admin-client/lib/defs/groupRepresentation.js';
import { badRequest, conflict } from '../../http/errors.js';
import type { GroupModel, RealmModel } from '../../state/model.js';
import { clientByClientId } from '../../state/store.js';
import { childrenOf } from './representation.js';

export const requireName = (rep: GroupRepresentation | undefined) => {
  if (!rep || typeof rep !== 'object' || typeof rep.name !== 'string' || rep.name.trim() === '') {
    throw badRequest('Group name is missing');
  }
  return rep.name.trim();
};

export const checkSiblings = (realm: RealmModel, name: string, parentId: string | undefined, self?: GroupModel) => {
  const clash = childrenOf(realm, parentId).find((g) => g.name === name && g !== self);
  if (!clash) return;
  throw conflict(
    parentId ? `Sibling group named '${name}' already exists.` : `Top level group named '${name}' already exists.`,
  );
};

/** Creates a group (with subGroups, realmRoles, clientRoles, attributes) from a GroupRepresentation. 409 on a sibling name clash. */
export const createGroupFromRepresentation = (
  realm: RealmModel,
  rep: GroupRepresentation,
  parentId?: string,
): GroupModel => {
  const name = requireName(rep);
  checkSiblings(realm, name, parentId);
  const group: GroupModel = {
    id: rep.id && !realm.groups.has(rep.id) ? rep.id : randomUUID(),
    name,
    ...(rep.description ? { description: rep.description } : {}),
    ...(parentId ? { parentId } : {}),
    attributes: structuredClone((rep.attributes ?? {}) as Record<string, string[]>),
    realmRoleIds: new Set(),
    clientRoleIds: new Map(),
  };
  for (const roleName of rep.realmRoles ?? []) {
    const role = realm.roles.get(roleName);
    if (role) group.realmRoleIds.add(role.id);
  }
  for (const [clientId, names] of Object.entries(rep.clientRoles ?? {})) {
    const client = clientByClientId(realm, clientId);
    const ids = new Set((names as string[]).map((n) => client?.roles.get(n)?.id).filter(Boolean) as string[]);
    if (client && ids.size > 0) group.clientRoleIds.set(client.id, ids);
  }
  realm.groups.set(group.id, group);
  for (const child of rep.subGroups ?? []) createGroupFromRepresentation(realm, child, group.id);
  return group;
};

export const deleteGroup = (realm: RealmModel, group: GroupModel) => {
  for (const child of childrenOf(realm, group.id)) deleteGroup(realm, child);
  realm.groups.delete(group.id);
  realm.defaultGroupIds.delete(group.id);
  for (const user of realm.users.values()) user.groupIds.delete(group.id);
};

/** Whether the group or any descendant's name contains the text. */
export const matchesSearch = (realm: RealmModel, group: GroupModel, text: string, exact: boolean): boolean =>
  (exact ? group.name === text : group.name.toLowerCase().includes(text.toLowerCase())) ||
  childrenOf(realm, group.id).some((child) => matchesSearch(realm, child, text, exact));
