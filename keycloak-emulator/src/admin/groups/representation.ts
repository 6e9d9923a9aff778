/** GroupRepresentation out (full, brief, with the caller's access), paths, children, and listing pages. */
import type GroupRepresentation from '@keycloak/keycloak-admin-client/lib/defs/groupRepresentation.js';
import type { Request } from 'express';
import type { GroupModel, RealmModel } from '../../state/model.js';
import type { AdminContext } from '../context.js';
import { pageOf } from '../route-helpers.js';

export const groupPath = (realm: RealmModel, group: GroupModel): string => {
  const names: string[] = [];
  let current: GroupModel | undefined = group;
  while (current) {
    names.unshift(current.name);
    current = current.parentId ? realm.groups.get(current.parentId) : undefined;
  }
  return `/${names.join('/')}`;
};

/** Direct children by name (top-level groups for no parent). */
export const childrenOf = (realm: RealmModel, parentId: string | undefined) =>
  [...realm.groups.values()].filter((g) => g.parentId === parentId).sort((a, b) => a.name.localeCompare(b.name));

export const groupRepresentation = (
  realm: RealmModel,
  group: GroupModel,
  brief: boolean,
  ctx?: AdminContext,
): GroupRepresentation => {
  const base = {
    id: group.id,
    name: group.name,
    ...(group.description !== undefined ? { description: group.description } : {}),
    path: groupPath(realm, group),
    ...(group.parentId ? { parentId: group.parentId } : {}),
    subGroupCount: childrenOf(realm, group.id).length,
    subGroups: [],
  };
  if (brief) return base;
  const clientRoles: Record<string, string[]> = {};
  for (const [uuid, ids] of group.clientRoleIds) {
    const client = realm.clients.get(uuid);
    const names = [...ids]
      .map((id) => client?.roles && [...client.roles.values()].find((r) => r.id === id)?.name)
      .filter(Boolean) as string[];
    if (client && names.length > 0) clientRoles[client.clientId] = names;
  }
  return {
    ...base,
    attributes: structuredClone(group.attributes),
    realmRoles: [...group.realmRoleIds]
      .map((id) => [...realm.roles.values()].find((r) => r.id === id)?.name)
      .filter(Boolean) as string[],
    clientRoles,
    ...(ctx
      ? {
          access: {
            view: ctx.canAny('view-users', 'manage-users'),
            viewMembers: ctx.canAny('view-users', 'manage-users'),
            manageMembers: ctx.can('manage-users'),
            manage: ctx.can('manage-users'),
            manageMembership: ctx.can('manage-users'),
          },
        }
      : {}),
  };
};

/**
 * A group as `users/{id}/groups` lists it: `id, name, path` (+ `description`, `parentId` when set), and
 * with `briefRepresentation=false` its attributes and role names — never `subGroupCount`/`subGroups`
 * (contract §12, verified in Keycloak's ModelToRepresentation).
 */
export const membershipRepresentation = (realm: RealmModel, group: GroupModel, full: boolean): GroupRepresentation => {
  const {
    subGroupCount: _count,
    subGroups: _subGroups,
    access: _access,
    ...rest
  } = groupRepresentation(realm, group, !full);
  return rest;
};

/** A `first`/`max` page of groups (brief unless `briefRepresentation=false`). */
export const listGroups = (ctx: AdminContext, req: Request, groups: GroupModel[]) => {
  const brief = req.query.briefRepresentation !== 'false';
  return pageOf(req, groups, 100).map((g) => groupRepresentation(ctx.realm, g, brief, ctx));
};
