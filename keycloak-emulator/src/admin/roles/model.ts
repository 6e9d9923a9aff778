/** Role lookups and rules shared by the role routes: representations, resolving request bodies, deletion. */
import type RoleRepresentation from '@keycloak/keycloak-admin-client/lib/defs/roleRepresentation.js';
import type { Request } from 'express';
import { badRequest, notFound } from '../../http/errors.js';
import type { RealmModel, RoleModel } from '../../state/model.js';
import { roleById } from '../../state/store.js';
import type { AdminContext } from '../context.js';

export const roleRepresentation = (role: RoleModel, brief = false): RoleRepresentation => ({
  id: role.id,
  name: role.name,
  ...(role.description !== undefined ? { description: role.description } : {}),
  composite: role.composite,
  clientRole: role.clientRole,
  containerId: role.containerId,
  ...(brief ? {} : { attributes: structuredClone(role.attributes) }),
});

export const requireBody = (req: Request) => {
  if (!req.body || typeof req.body !== 'object') throw badRequest('Invalid role representation');
  return req.body as RoleRepresentation;
};

/** Every role of the realm (realm roles and client roles). */
const allRoles = (realm: RealmModel): RoleModel[] => [
  ...realm.roles.values(),
  ...[...realm.clients.values()].flatMap((c) => [...c.roles.values()]),
];

/** The roles with these ids (ids of deleted roles are skipped). */
export const rolesOf = (realm: RealmModel, ids: Iterable<string>) =>
  [...ids].map((id) => roleById(realm, id)).filter((r): r is RoleModel => Boolean(r));

/** Finds roles named in a request body (by id, else by name within the container). */
export const resolveRoles = (realm: RealmModel, reps: unknown, container?: Map<string, RoleModel>): RoleModel[] => {
  if (!Array.isArray(reps)) throw badRequest('Expected an array of roles');
  return reps.map((rep: RoleRepresentation) => {
    const role =
      (rep?.id ? roleById(realm, rep.id) : undefined) ?? (rep?.name && container ? container.get(rep.name) : undefined);
    if (!role) throw notFound('Could not find role');
    return role;
  });
};

/** Realm roles are managed with manage-realm, client roles with manage-clients. */
export const requireManageRole = (ctx: AdminContext, role: RoleModel) =>
  ctx.require(role.clientRole ? 'manage-clients' : 'manage-realm');

export const roleResourceType = (role: RoleModel) => (role.clientRole ? 'CLIENT_ROLE' : 'REALM_ROLE');

/** Removes a deleted role from every composite and every user's and group's mappings. */
export const removeRoleEverywhere = (realm: RealmModel, role: RoleModel) => {
  for (const other of allRoles(realm)) {
    other.compositeIds.delete(role.id);
    other.composite = other.compositeIds.size > 0;
  }
  const scopeHolders = [...realm.clients.values(), ...realm.clientScopes.values()].map((h) => h.scopeMappings);
  for (const holder of [...realm.users.values(), ...realm.groups.values(), ...scopeHolders]) {
    holder.realmRoleIds.delete(role.id);
    for (const ids of holder.clientRoleIds.values()) ids.delete(role.id);
  }
};
