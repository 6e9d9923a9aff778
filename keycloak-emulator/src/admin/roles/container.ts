/**
 * One role-container implementation serving realm roles (`/roles`) and client roles
 * (`/clients/{id}/roles`): list, create, and by name read, update, delete, holders, composites.
 */
import { type Request, type Response, Router } from 'express';
import { badRequest, conflict, KeycloakHttpError, notFound } from '../../http/errors.js';
import type { ClientModel, RoleModel } from '../../state/model.js';
import { newRole, usersInOrder } from '../../state/store.js';
import { type AdminContext, adminContext } from '../context.js';
import { answerCreated, pageOf } from '../route-helpers.js';
import { toUserRepresentation } from '../users/representation.js';
import { compositesRoutes, type RoleOf } from './composites.js';
import { removeRoleEverywhere, requireBody, roleRepresentation, roleResourceType } from './model.js';

interface RoleContainer {
  roles: Map<string, RoleModel>;
  containerId: string;
  clientRole: boolean;
  /** `roles` or `clients/{id}/roles`, for admin events */
  path: string;
  requireManage(ctx: AdminContext): void;
}

type ContainerOf = (ctx: AdminContext, req: Request) => RoleContainer;

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

const hasRole = (holder: { realmRoleIds: Set<string>; clientRoleIds: Map<string, Set<string>> }, role: RoleModel) =>
  holder.realmRoleIds.has(role.id) || [...holder.clientRoleIds.values()].some((ids) => ids.has(role.id));

const listRoles = (containerOf: ContainerOf) => (req: Request, res: Response) => {
  const ctx = adminContext(res);
  const container = containerOf(ctx, req);
  const search = typeof req.query.search === 'string' ? req.query.search.toLowerCase() : '';
  const brief = req.query.briefRepresentation !== 'false';
  const matching = [...container.roles.values()]
    .filter(
      (r) => !search || r.name.toLowerCase().includes(search) || (r.description ?? '').toLowerCase().includes(search),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  res.json(pageOf(req, matching, Number.MAX_SAFE_INTEGER).map((r) => roleRepresentation(r, brief)));
};

const createRole = (containerOf: ContainerOf) => (req: Request, res: Response) => {
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
    resourceType: roleResourceType(role),
    resourcePath: `${container.path}/${role.name}`,
    representation: rep,
  });
  answerCreated(req, res, ctx.realm.name, `${container.path}/${encodeURIComponent(role.name)}`);
};

const getRole = (roleOf: RoleOf) => (req: Request, res: Response) => {
  const ctx = adminContext(res);
  res.json(roleRepresentation(roleOf(ctx, req)));
};

const updateRole = (containerOf: ContainerOf, roleOf: RoleOf) => (req: Request, res: Response) => {
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
    resourceType: roleResourceType(role),
    resourcePath: `${container.path}/${role.name}`,
    representation: rep,
  });
  res.status(204).end();
};

const deleteRole = (containerOf: ContainerOf, roleOf: RoleOf) => (req: Request, res: Response) => {
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
    resourceType: roleResourceType(role),
    resourcePath: `${container.path}/${role.name}`,
  });
  res.status(204).end();
};

const listRoleUsers = (roleOf: RoleOf) => (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('view-users', 'manage-users');
  const role = roleOf(ctx, req);
  const holders = usersInOrder(ctx.realm).filter((u) => hasRole(u, role));
  const brief = req.query.briefRepresentation === 'true';
  res.json(pageOf(req, holders, 100).map((u) => toUserRepresentation(ctx.realm, u, { brief })));
};

const listRoleGroups = (roleOf: RoleOf) => (req: Request, res: Response) => {
  const ctx = adminContext(res);
  const role = roleOf(ctx, req);
  const groups = [...ctx.realm.groups.values()].filter((g) => hasRole(g, role));
  res.json(groups.map((g) => ({ id: g.id, name: g.name })));
};

/** The role-container routes, for realm roles and for a client's roles. */
export const roleContainerRouter = (containerOf: ContainerOf): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const roleOf: RoleOf = (ctx, req) => {
    const role = containerOf(ctx, req).roles.get(String(req.params.name));
    if (!role) throw notFound('Could not find role');
    return role;
  };
  router.get('/', listRoles(containerOf));
  router.post('/', createRole(containerOf));

  const named = Router({ mergeParams: true, caseSensitive: true });
  named.get('/', getRole(roleOf));
  named.put('/', updateRole(containerOf, roleOf));
  named.delete('/', deleteRole(containerOf, roleOf));
  named.get('/users', listRoleUsers(roleOf));
  named.get('/groups', listRoleGroups(roleOf));
  compositesRoutes(named, roleOf);
  router.use('/:name', named);
  return router;
};

export const rolesRouter = (): Router => roleContainerRouter((ctx) => realmRoleContainer(ctx));
