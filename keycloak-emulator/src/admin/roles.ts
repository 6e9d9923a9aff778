/**
 * Roles: one role-container implementation serving realm roles (`/roles`) and client roles
 * (`/clients/{id}/roles`), roles by id, composites, and role mappings of users and groups — including
 * Keycloak's rule that an admin role can only be granted by someone who holds it.
 */
import type RoleRepresentation from '@keycloak/keycloak-admin-client/lib/defs/roleRepresentation.js';
import { type Request, type Response, Router } from 'express';
import { badRequest, conflict, forbidden, KeycloakHttpError, notFound } from '../http/errors.js';
import { baseUrlOf } from '../oidc/routes.js';
import type { ClientModel, RealmModel, RoleModel } from '../state/model.js';
import { REALM_MANAGEMENT_ROLES } from '../state/realm-defaults.js';
import { expandComposites } from '../state/roles.js';
import { clientByClientId, MASTER_REALM, newRole, roleById, usersInOrder } from '../state/store.js';
import { type AdminContext, adminContext } from './context.js';
import { toUserRepresentation } from './users/representation.js';
import { userFor } from './users/route-context.js';

export const roleRepresentation = (role: RoleModel, brief = false): RoleRepresentation => ({
  id: role.id,
  name: role.name,
  ...(role.description !== undefined ? { description: role.description } : {}),
  composite: role.composite,
  clientRole: role.clientRole,
  containerId: role.containerId,
  ...(brief ? {} : { attributes: structuredClone(role.attributes) }),
});

const intParam = (value: unknown, fallback: number) => {
  const n = Number(value);
  return value === undefined || !Number.isFinite(n) || n < 0 ? fallback : Math.floor(n);
};

const requireBody = (req: Request) => {
  if (!req.body || typeof req.body !== 'object') throw badRequest('Invalid role representation');
  return req.body as RoleRepresentation;
};

/** Every role of the realm (realm roles and client roles). */
const allRoles = (realm: RealmModel): RoleModel[] => [
  ...realm.roles.values(),
  ...[...realm.clients.values()].flatMap((c) => [...c.roles.values()]),
];

/** Finds roles named in a request body (by id, else by name within the container). */
const resolveRoles = (realm: RealmModel, reps: unknown, container?: Map<string, RoleModel>): RoleModel[] => {
  if (!Array.isArray(reps)) throw badRequest('Expected an array of roles');
  return reps.map((rep: RoleRepresentation) => {
    const role =
      (rep?.id ? roleById(realm, rep.id) : undefined) ?? (rep?.name && container ? container.get(rep.name) : undefined);
    if (!role) throw notFound('Could not find role');
    return role;
  });
};

interface RoleContainer {
  roles: Map<string, RoleModel>;
  containerId: string;
  clientRole: boolean;
  /** `roles` or `clients/{id}/roles`, for admin events */
  path: string;
  requireManage(ctx: AdminContext): void;
}

const realmRoleContainer = (ctx: AdminContext): RoleContainer => ({
  roles: ctx.realm.roles,
  containerId: ctx.realm.id,
  clientRole: false,
  path: 'roles',
  requireManage: (c) => c.require('manage-realm'),
});

export const clientRoleContainer = (client: ClientModel): RoleContainer => ({
  roles: client.roles,
  containerId: client.id,
  clientRole: true,
  path: `clients/${client.id}/roles`,
  requireManage: (c) => c.require('manage-clients'),
});

/** Realm roles are managed with manage-realm, client roles with manage-clients. */
const requireManageRole = (ctx: AdminContext, role: RoleModel) =>
  ctx.require(role.clientRole ? 'manage-clients' : 'manage-realm');

const resourceType = (role: RoleModel) => (role.clientRole ? 'CLIENT_ROLE' : 'REALM_ROLE');

const removeRoleEverywhere = (realm: RealmModel, role: RoleModel) => {
  for (const other of allRoles(realm)) {
    other.compositeIds.delete(role.id);
    other.composite = other.compositeIds.size > 0;
  }
  for (const holder of [...realm.users.values(), ...realm.groups.values()]) {
    holder.realmRoleIds.delete(role.id);
    for (const ids of holder.clientRoleIds.values()) ids.delete(role.id);
  }
};

const compositesRoutes = (
  router: Router,
  roleOf: (ctx: AdminContext, req: Request) => RoleModel,
  requireManage: (ctx: AdminContext, role: RoleModel) => void,
) => {
  router.get('/composites', (req, res) => {
    const ctx = adminContext(res);
    const role = roleOf(ctx, req);
    res.json(
      [...role.compositeIds]
        .map((id) => roleById(ctx.realm, id))
        .filter(Boolean)
        .map((r) => roleRepresentation(r as RoleModel)),
    );
  });
  router.get('/composites/realm', (req, res) => {
    const ctx = adminContext(res);
    const role = roleOf(ctx, req);
    res.json(
      [...role.compositeIds]
        .map((id) => roleById(ctx.realm, id))
        .filter((r): r is RoleModel => Boolean(r && !r.clientRole))
        .map((r) => roleRepresentation(r)),
    );
  });
  router.get('/composites/clients/:clientUuid', (req, res) => {
    const ctx = adminContext(res);
    const role = roleOf(ctx, req);
    res.json(
      [...role.compositeIds]
        .map((id) => roleById(ctx.realm, id))
        .filter((r): r is RoleModel => Boolean(r?.clientRole && r.containerId === req.params.clientUuid))
        .map((r) => roleRepresentation(r)),
    );
  });
  router.post('/composites', (req, res) => {
    const ctx = adminContext(res);
    const role = roleOf(ctx, req);
    requireManage(ctx, role);
    for (const part of resolveRoles(ctx.realm, req.body)) role.compositeIds.add(part.id);
    role.composite = role.compositeIds.size > 0;
    res.status(204).end();
  });
  router.delete('/composites', (req, res) => {
    const ctx = adminContext(res);
    const role = roleOf(ctx, req);
    requireManage(ctx, role);
    for (const part of resolveRoles(ctx.realm, req.body)) role.compositeIds.delete(part.id);
    role.composite = role.compositeIds.size > 0;
    res.status(204).end();
  });
};

/** The role-container routes, for realm roles and for a client's roles. */
export const roleContainerRouter = (containerOf: (ctx: AdminContext, req: Request) => RoleContainer): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const roleOf = (ctx: AdminContext, req: Request) => {
    const role = containerOf(ctx, req).roles.get(String(req.params.name));
    if (!role) throw notFound('Could not find role');
    return role;
  };

  router.get('/', (req, res) => {
    const ctx = adminContext(res);
    const container = containerOf(ctx, req);
    const search = typeof req.query.search === 'string' ? req.query.search.toLowerCase() : '';
    const brief = req.query.briefRepresentation !== 'false';
    const first = intParam(req.query.first, 0);
    const max = intParam(req.query.max, Number.MAX_SAFE_INTEGER);
    const roles = [...container.roles.values()]
      .filter(
        (r) => !search || r.name.toLowerCase().includes(search) || (r.description ?? '').toLowerCase().includes(search),
      )
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(first, first + max);
    res.json(roles.map((r) => roleRepresentation(r, brief)));
  });

  router.post('/', (req, res) => {
    const ctx = adminContext(res);
    const container = containerOf(ctx, req);
    container.requireManage(ctx);
    const rep = requireBody(req);
    if (!rep.name) throw new KeycloakHttpError(400, { error: 'HTTP 400 Bad Request' });
    if (container.roles.has(rep.name)) throw conflict(`Role with name ${rep.name} already exists`);
    const role = newRole(rep.name, container.containerId, container.clientRole, rep.description);
    role.attributes = structuredClone((rep.attributes ?? {}) as Record<string, string[]>);
    container.roles.set(role.name, role);
    ctx.event({
      operationType: 'CREATE',
      resourceType: resourceType(role),
      resourcePath: `${container.path}/${role.name}`,
      representation: rep,
    });
    res
      .status(201)
      .location(
        `${baseUrlOf(req)}/admin/realms/${encodeURIComponent(ctx.realm.name)}/${container.path}/${encodeURIComponent(role.name)}`,
      )
      .end();
  });

  const named = Router({ mergeParams: true, caseSensitive: true });
  named.get('/', (req, res) => {
    const ctx = adminContext(res);
    res.json(roleRepresentation(roleOf(ctx, req)));
  });
  named.put('/', (req, res) => {
    const ctx = adminContext(res);
    const container = containerOf(ctx, req);
    container.requireManage(ctx);
    const role = roleOf(ctx, req);
    const rep = requireBody(req);
    if (rep.name && rep.name !== role.name) {
      if (container.roles.has(rep.name)) throw conflict(`Role with name ${rep.name} already exists`);
      container.roles.delete(role.name);
      role.name = rep.name;
      container.roles.set(role.name, role);
    }
    if (rep.description !== undefined) role.description = rep.description;
    if (rep.attributes !== undefined) role.attributes = structuredClone(rep.attributes as Record<string, string[]>);
    ctx.event({
      operationType: 'UPDATE',
      resourceType: resourceType(role),
      resourcePath: `${container.path}/${role.name}`,
      representation: rep,
    });
    res.status(204).end();
  });
  named.delete('/', (req, res) => {
    const ctx = adminContext(res);
    const container = containerOf(ctx, req);
    container.requireManage(ctx);
    const role = roleOf(ctx, req);
    if (!role.clientRole && role.name === `default-roles-${ctx.realm.name}`)
      throw badRequest('You cannot delete a default role');
    container.roles.delete(role.name);
    removeRoleEverywhere(ctx.realm, role);
    ctx.event({
      operationType: 'DELETE',
      resourceType: resourceType(role),
      resourcePath: `${container.path}/${role.name}`,
    });
    res.status(204).end();
  });
  named.get('/users', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-users', 'manage-users');
    const role = roleOf(ctx, req);
    const first = intParam(req.query.first, 0);
    const max = intParam(req.query.max, 100);
    const holders = usersInOrder(ctx.realm).filter(
      (u) => u.realmRoleIds.has(role.id) || [...u.clientRoleIds.values()].some((ids) => ids.has(role.id)),
    );
    const brief = req.query.briefRepresentation === 'true';
    res.json(holders.slice(first, first + max).map((u) => toUserRepresentation(ctx.realm, u, { brief })));
  });
  named.get('/groups', (req, res) => {
    const ctx = adminContext(res);
    const role = roleOf(ctx, req);
    const groups = [...ctx.realm.groups.values()].filter(
      (g) => g.realmRoleIds.has(role.id) || [...g.clientRoleIds.values()].some((ids) => ids.has(role.id)),
    );
    res.json(groups.map((g) => ({ id: g.id, name: g.name })));
  });
  compositesRoutes(named, roleOf, requireManageRole);
  router.use('/:name', named);
  return router;
};

export const rolesRouter = (): Router => roleContainerRouter((ctx) => realmRoleContainer(ctx));

export const rolesByIdRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const roleOf = (ctx: AdminContext, req: Request) => {
    const role = roleById(ctx.realm, String(req.params.id));
    if (!role) throw notFound('Could not find role with id');
    return role;
  };
  const byId = Router({ mergeParams: true, caseSensitive: true });
  byId.get('/', (req, res) => {
    res.json(roleRepresentation(roleOf(adminContext(res), req)));
  });
  byId.put('/', (req, res) => {
    const ctx = adminContext(res);
    const role = roleOf(ctx, req);
    requireManageRole(ctx, role);
    const rep = requireBody(req);
    if (rep.description !== undefined) role.description = rep.description;
    if (rep.attributes !== undefined) role.attributes = structuredClone(rep.attributes as Record<string, string[]>);
    res.status(204).end();
  });
  byId.delete('/', (req, res) => {
    const ctx = adminContext(res);
    const role = roleOf(ctx, req);
    requireManageRole(ctx, role);
    const container = role.clientRole ? ctx.realm.clients.get(role.containerId)?.roles : ctx.realm.roles;
    container?.delete(role.name);
    removeRoleEverywhere(ctx.realm, role);
    res.status(204).end();
  });
  compositesRoutes(byId, roleOf, requireManageRole);
  router.use('/:id', byId);
  return router;
};

// ---- role mappings of users and groups ----

export interface RoleHolder {
  realmRoleIds: Set<string>;
  clientRoleIds: Map<string, Set<string>>;
}

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

interface HolderRef {
  holder: RoleHolder;
  path: string;
  requireView(ctx: AdminContext): void;
  requireMap(ctx: AdminContext): void;
}

const clientOf = (ctx: AdminContext, uuid: string) => {
  const client = ctx.realm.clients.get(uuid);
  if (!client) throw notFound('Could not find client');
  return client;
};

const rolesOf = (ctx: AdminContext, ids: Iterable<string>) =>
  [...ids].map((id) => roleById(ctx.realm, id)).filter((r): r is RoleModel => Boolean(r));

export const roleMappingsRouter = (holderOf: (ctx: AdminContext, req: Request) => HolderRef): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const context = (req: Request, res: Response, write: boolean) => {
    const ctx = adminContext(res);
    const ref = holderOf(ctx, req);
    if (write) ref.requireMap(ctx);
    else ref.requireView(ctx);
    return { ctx, ref };
  };

  router.get('/', (req, res) => {
    const { ctx, ref } = context(req, res, false);
    const realmMappings = rolesOf(ctx, ref.holder.realmRoleIds).map((r) => roleRepresentation(r, true));
    const clientMappings: Record<string, unknown> = {};
    for (const [uuid, ids] of ref.holder.clientRoleIds) {
      const client = ctx.realm.clients.get(uuid);
      const mappings = rolesOf(ctx, ids).map((r) => roleRepresentation(r, true));
      if (client && mappings.length > 0)
        clientMappings[client.clientId] = { id: client.id, client: client.clientId, mappings };
    }
    res.json({
      ...(realmMappings.length > 0 ? { realmMappings } : {}),
      ...(Object.keys(clientMappings).length > 0 ? { clientMappings } : {}),
    });
  });

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

  const mappingRoutes = (prefix: string, clientParam: boolean) => {
    const clientUuid = (req: Request) => (clientParam ? String(req.params.client) : undefined);
    const resource = clientParam ? 'CLIENT_ROLE_MAPPING' : 'REALM_ROLE_MAPPING';
    router.get(prefix, (req, res) => {
      const { ctx, ref } = context(req, res, false);
      res.json(
        rolesOf(ctx, scope(ctx, ref.holder, clientUuid(req), false).ids).map((r) => roleRepresentation(r, true)),
      );
    });
    router.get(`${prefix}/available`, (req, res) => {
      const { ctx, ref } = context(req, res, false);
      const { ids, roles } = scope(ctx, ref.holder, clientUuid(req), false);
      res.json([...roles.values()].filter((r) => !ids.has(r.id)).map((r) => roleRepresentation(r, true)));
    });
    router.get(`${prefix}/composite`, (req, res) => {
      const { ctx, ref } = context(req, res, false);
      const uuid = clientUuid(req);
      const mapped = [...ref.holder.realmRoleIds, ...[...ref.holder.clientRoleIds.values()].flatMap((s) => [...s])];
      const effective = [...expandComposites(ctx.realm, mapped).values()].filter((r) =>
        uuid ? r.clientRole && r.containerId === uuid : !r.clientRole,
      );
      res.json(effective.map((r) => roleRepresentation(r, true)));
    });
    router.post(prefix, (req, res) => {
      const { ctx, ref } = context(req, res, true);
      const { ids, roles } = scope(ctx, ref.holder, clientUuid(req), true);
      const toAdd = resolveRoles(ctx.realm, req.body, roles);
      for (const role of toAdd) requireMayMap(ctx, role);
      for (const role of toAdd) ids.add(role.id);
      ctx.event({
        operationType: 'CREATE',
        resourceType: resource,
        resourcePath: `${ref.path}/${prefix.slice(1).replace(':client', clientUuid(req) ?? '')}`,
        representation: req.body,
      });
      res.status(204).end();
    });
    router.delete(prefix, (req, res) => {
      const { ctx, ref } = context(req, res, true);
      const { ids, roles } = scope(ctx, ref.holder, clientUuid(req), false);
      const toRemove = resolveRoles(ctx.realm, req.body ?? [], roles);
      for (const role of toRemove) requireMayMap(ctx, role);
      for (const role of toRemove) ids.delete(role.id);
      ctx.event({
        operationType: 'DELETE',
        resourceType: resource,
        resourcePath: `${ref.path}/${prefix.slice(1).replace(':client', clientUuid(req) ?? '')}`,
        representation: req.body,
      });
      res.status(204).end();
    });
  };
  mappingRoutes('/realm', false);
  mappingRoutes('/clients/:client', true);
  return router;
};

/** `/users/{id}/role-mappings...` (mounted by admin/router.ts). */
export const userRoleMappingsRouter = (): Router =>
  roleMappingsRouter((ctx, req) => {
    const user = userFor(ctx, String(req.params.id));
    return {
      holder: user,
      path: `users/${user.id}/role-mappings`,
      requireView: (c) => c.require('view-users', 'manage-users'),
      requireMap: (c) => c.require('manage-users'),
    };
  });

/**
 * Imports a realm export's `roles` ({ realm: RoleRepresentation[], client: { [clientId]: RoleRepresentation[] } }),
 * creating missing roles and then linking composites by name. Existing roles are updated.
 */
export const importRoles = (realm: RealmModel, roles: unknown): void => {
  const spec = (roles ?? {}) as { realm?: RoleRepresentation[]; client?: Record<string, RoleRepresentation[]> };
  const upsert = (
    container: Map<string, RoleModel>,
    containerId: string,
    clientRole: boolean,
    rep: RoleRepresentation,
  ) => {
    if (!rep.name) return;
    const role = container.get(rep.name) ?? newRole(rep.name, containerId, clientRole, rep.description);
    if (rep.id && !container.has(rep.name)) role.id = rep.id;
    if (rep.description !== undefined) role.description = rep.description;
    if (rep.attributes) role.attributes = structuredClone(rep.attributes as Record<string, string[]>);
    container.set(role.name, role);
  };
  for (const rep of spec.realm ?? []) upsert(realm.roles, realm.id, false, rep);
  for (const [clientId, reps] of Object.entries(spec.client ?? {})) {
    const client = clientByClientId(realm, clientId);
    if (client) for (const rep of reps) upsert(client.roles, client.id, true, rep);
  }
  const link = (role: RoleModel | undefined, rep: RoleRepresentation) => {
    const composites = rep.composites as { realm?: string[]; client?: Record<string, string[]> } | undefined;
    if (!role || !composites) return;
    for (const name of composites.realm ?? []) {
      const part = realm.roles.get(name);
      if (part) role.compositeIds.add(part.id);
    }
    for (const [clientId, names] of Object.entries(composites.client ?? {})) {
      const client = clientByClientId(realm, clientId);
      for (const name of names) {
        const part = client?.roles.get(name);
        if (part) role.compositeIds.add(part.id);
      }
    }
    role.composite = role.compositeIds.size > 0;
  };
  for (const rep of spec.realm ?? []) link(rep.name ? realm.roles.get(rep.name) : undefined, rep);
  for (const [clientId, reps] of Object.entries(spec.client ?? {})) {
    const client = clientByClientId(realm, clientId);
    for (const rep of reps) link(rep.name ? client?.roles.get(rep.name) : undefined, rep);
  }
};
