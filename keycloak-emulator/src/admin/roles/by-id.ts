/** `/roles-by-id/{id}`: read, update (description and attributes only), delete, composites. */
import { type Request, type Response, Router } from 'express';
import { notFound } from '../../http/errors.js';
import { roleById } from '../../state/store.js';
import { adminContext } from '../context.js';
import { compositesRoutes, type RoleOf } from './composites.js';
import { removeRoleEverywhere, requireBody, requireManageRole, roleRepresentation } from './model.js';

const roleOf: RoleOf = (ctx, req) => {
  const role = roleById(ctx.realm, String(req.params.id));
  if (!role) throw notFound('Could not find role with id');
  return role;
};

const getRole = (req: Request, res: Response) => {
  res.json(roleRepresentation(roleOf(adminContext(res), req)));
};

const updateRole = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  const role = roleOf(ctx, req);
  requireManageRole(ctx, role);
  const rep = requireBody(req);
  if (rep.description !== undefined) role.description = rep.description;
  if (rep.attributes !== undefined) role.attributes = structuredClone(rep.attributes as Record<string, string[]>);
  res.status(204).end();
};

const deleteRole = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  const role = roleOf(ctx, req);
  requireManageRole(ctx, role);
  const container = role.clientRole ? ctx.realm.clients.get(role.containerId)?.roles : ctx.realm.roles;
  container?.delete(role.name);
  removeRoleEverywhere(ctx.realm, role);
  res.status(204).end();
};

export const rolesByIdRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const byId = Router({ mergeParams: true, caseSensitive: true });
  byId.get('/', getRole);
  byId.put('/', updateRole);
  byId.delete('/', deleteRole);
  compositesRoutes(byId, roleOf);
  router.use('/:id', byId);
  return router;
};
