/**
 * Role mappings of users and groups (`.../role-mappings`, `/realm`, `/clients/{id}`, with `available`
 * and `composite`), including Keycloak's rule that an admin role can only be granted by someone who holds it.
 */
import { type Request, type Response, Router } from 'express';
import { forbidden, notFound } from '../../http/errors.js';
import type { RoleModel } from '../../state/model.js';
import { REALM_MANAGEMENT_ROLES } from '../../state/realm-defaults.js';
import { expandComposites, mappedRoleIds } from '../../state/roles.js';
import { MASTER_REALM } from '../../state/store.js';
import { type AdminContext, adminContext } from '../context.js';
import { userFor } from '../users/route-context.js';
import { resolveRoles, roleRepresentation, rolesOf } from './model.js';

export interface RoleHolder {
  realmRoleIds: Set<string>;
  clientRoleIds: Map<string, Set<string>>;
}

interface HolderRef {
  holder: RoleHolder;
  /** groups whose roles (with their parents') the holder inherits: a user's memberships, a group's parent */
  inheritsFrom: string[];
  path: string;
  /** scope mappings record REALM_SCOPE_MAPPING/CLIENT_SCOPE_MAPPING and grant nothing, so need no admin-role check */
  scopeMapping?: boolean;
  requireView(ctx: AdminContext): void;
  requireMap(ctx: AdminContext): void;
}

type HolderOf = (ctx: AdminContext, req: Request) => HolderRef;

const ADMIN_ROLE_NAMES = new Set<string>(REALM_MANAGEMENT_ROLES);

/** Keycloak lets an admin grant admin roles only when they hold the role themselves. */
const requireMayMap = (ctx: AdminContext, role: RoleModel) => {
  if (ctx.isMasterAdmin) return;
  const client = role.clientRole ? ctx.realm.clients.get(role.containerId) : undefined;
  const managementRole =
    client &&
    (client.clientId === 'realm-management' || (ctx.realm.name === MASTER_REALM && client.clientId.endsWith('-realm')));
  const masterAdminRole =
    !role.clientRole && ctx.realm.name === MASTER_REALM && ['admin', 'create-realm'].includes(role.name);
  if (masterAdminRole) throw forbidden();
  if (!managementRole || !ADMIN_ROLE_NAMES.has(role.name)) return;
  if (role.name === 'realm-admin' || !ctx.can(role.name as (typeof REALM_MANAGEMENT_ROLES)[number])) throw forbidden();
};

const clientOf = (ctx: AdminContext, uuid: string) => {
  const client = ctx.realm.clients.get(uuid);
  if (!client) throw notFound('Could not find client');
  return client;
};

/** The caller and the holder, after the view (read) or map (write) permission check. */
const holderContext = (holderOf: HolderOf, req: Request, res: Response, write: boolean) => {
  const ctx = adminContext(res);
  const ref = holderOf(ctx, req);
  if (write) ref.requireMap(ctx);
  else ref.requireView(ctx);
  return { ctx, ref };
};

/** The holder's mapped ids and the assignable roles: realm roles, or one client's roles. */
const scope = (ctx: AdminContext, holder: RoleHolder, clientUuid: string | undefined, create: boolean) => {
  if (!clientUuid) return { ids: holder.realmRoleIds, roles: ctx.realm.roles };
  const client = clientOf(ctx, clientUuid);
  let ids = holder.clientRoleIds.get(client.id);
  if (!ids && create) {
    ids = new Set();
    holder.clientRoleIds.set(client.id, ids);
  }
  return { ids: ids ?? new Set<string>(), roles: client.roles, client };
};

const allMappings = (holderOf: HolderOf) => (req: Request, res: Response) => {
  const { ctx, ref } = holderContext(holderOf, req, res, false);
  const realmMappings = rolesOf(ctx.realm, ref.holder.realmRoleIds).map((r) => roleRepresentation(r, true));
  const clientMappings: Record<string, unknown> = {};
  for (const [uuid, ids] of ref.holder.clientRoleIds) {
    const client = ctx.realm.clients.get(uuid);
    const mappings = rolesOf(ctx.realm, ids).map((r) => roleRepresentation(r, true));
    if (client && mappings.length > 0)
      clientMappings[client.clientId] = { id: client.id, client: client.clientId, mappings };
  }
  res.json({
    ...(realmMappings.length > 0 ? { realmMappings } : {}),
    ...(Object.keys(clientMappings).length > 0 ? { clientMappings } : {}),
  });
};

/** The routes under `/realm` (no client) or `/clients/:client`. */
interface MappingScope {
  prefix: '/realm' | '/clients/:client';
  clientUuid(req: Request): string | undefined;
  resource: 'REALM_ROLE_MAPPING' | 'CLIENT_ROLE_MAPPING';
}

const REALM_SCOPE: MappingScope = { prefix: '/realm', clientUuid: () => undefined, resource: 'REALM_ROLE_MAPPING' };
const CLIENT_SCOPE: MappingScope = {
  prefix: '/clients/:client',
  clientUuid: (req) => String(req.params.client),
  resource: 'CLIENT_ROLE_MAPPING',
};

const listMapped = (holderOf: HolderOf, at: MappingScope) => (req: Request, res: Response) => {
  const { ctx, ref } = holderContext(holderOf, req, res, false);
  const { ids } = scope(ctx, ref.holder, at.clientUuid(req), false);
  res.json(rolesOf(ctx.realm, ids).map((r) => roleRepresentation(r, true)));
};

const listAvailable = (holderOf: HolderOf, at: MappingScope) => (req: Request, res: Response) => {
  const { ctx, ref } = holderContext(holderOf, req, res, false);
  const { ids, roles } = scope(ctx, ref.holder, at.clientUuid(req), false);
  res.json([...roles.values()].filter((r) => !ids.has(r.id)).map((r) => roleRepresentation(r, true)));
};

const listEffective = (holderOf: HolderOf, at: MappingScope) => (req: Request, res: Response) => {
  const { ctx, ref } = holderContext(holderOf, req, res, false);
  const uuid = at.clientUuid(req);
  // Effective roles: direct, through groups and their parents, and every composite of those (contract §12).
  const mapped = mappedRoleIds(ctx.realm, ref.holder, ref.inheritsFrom);
  const effective = [...expandComposites(ctx.realm, mapped).values()].filter((r) =>
    uuid ? r.clientRole && r.containerId === uuid : !r.clientRole,
  );
  res.json(effective.map((r) => roleRepresentation(r, true)));
};

/** Adds or removes mappings: a POST without a body is a 400, a DELETE without one removes nothing. */
const changeMappings = (holderOf: HolderOf, at: MappingScope, add: boolean) => (req: Request, res: Response) => {
  const { ctx, ref } = holderContext(holderOf, req, res, true);
  const { ids, roles } = scope(ctx, ref.holder, at.clientUuid(req), add);
  const changed = resolveRoles(ctx.realm, add ? req.body : (req.body ?? []), roles);
  if (!ref.scopeMapping) for (const role of changed) requireMayMap(ctx, role);
  for (const role of changed) {
    if (add) ids.add(role.id);
    else ids.delete(role.id);
  }
  ctx.event({
    operationType: add ? 'CREATE' : 'DELETE',
    resourceType: ref.scopeMapping ? at.resource.replace('ROLE', 'SCOPE') : at.resource,
    resourcePath: `${ref.path}/${at.prefix.slice(1).replace(':client', at.clientUuid(req) ?? '')}`,
    representation: req.body,
  });
  res.status(204).end();
};

const scopeRoutes = (router: Router, holderOf: HolderOf, at: MappingScope) => {
  router.get(at.prefix, listMapped(holderOf, at));
  router.get(`${at.prefix}/available`, listAvailable(holderOf, at));
  router.get(`${at.prefix}/composite`, listEffective(holderOf, at));
  router.post(at.prefix, changeMappings(holderOf, at, true));
  router.delete(at.prefix, changeMappings(holderOf, at, false));
};

export type { HolderOf };

export const roleMappingsRouter = (holderOf: HolderOf): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.get('/', allMappings(holderOf));
  scopeRoutes(router, holderOf, REALM_SCOPE);
  scopeRoutes(router, holderOf, CLIENT_SCOPE);
  return router;
};

/** `/users/{id}/role-mappings...` (mounted by admin/router.ts). */
export const userRoleMappingsRouter = (): Router =>
  roleMappingsRouter((ctx, req) => {
    const user = userFor(ctx, String(req.params.id));
    return {
      holder: user,
      inheritsFrom: [...user.groupIds],
      path: `users/${user.id}/role-mappings`,
      requireView: (c) => c.require('view-users', 'manage-users'),
      requireMap: (c) => c.require('manage-users'),
    };
  });
