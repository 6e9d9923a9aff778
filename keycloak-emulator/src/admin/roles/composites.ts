/** A role's composites (`.../composites`, `/realm`, `/clients/{id}`), for roles by name and by id. */
import type { Request, Response, Router } from 'express';
import type { RoleModel } from '../../state/model.js';
import { roleById } from '../../state/store.js';
import { type AdminContext, adminContext } from '../context.js';
import { requireManageRole, resolveRoles, roleRepresentation } from './model.js';

export type RoleOf = (ctx: AdminContext, req: Request) => RoleModel;

const listComposites =
  (roleOf: RoleOf, wanted: (role: RoleModel, req: Request) => boolean) => (req: Request, res: Response) => {
    const ctx = adminContext(res);
    const role = roleOf(ctx, req);
    res.json(
      [...role.compositeIds]
        .map((id) => roleById(ctx.realm, id))
        .filter((r): r is RoleModel => Boolean(r && wanted(r, req)))
        .map((r) => roleRepresentation(r)),
    );
  };

const changeComposites = (roleOf: RoleOf, add: boolean) => (req: Request, res: Response) => {
  const ctx = adminContext(res);
  const role = roleOf(ctx, req);
  requireManageRole(ctx, role);
  for (const part of resolveRoles(ctx.realm, req.body)) {
    if (add) role.compositeIds.add(part.id);
    else role.compositeIds.delete(part.id);
  }
  role.composite = role.compositeIds.size > 0;
  res.status(204).end();
};

export const compositesRoutes = (router: Router, roleOf: RoleOf): void => {
  router.get(
    '/composites',
    listComposites(roleOf, () => true),
  );
  router.get(
    '/composites/realm',
    listComposites(roleOf, (r) => !r.clientRole),
  );
  router.get(
    '/composites/clients/:clientUuid',
    listComposites(roleOf, (r, req) => r.clientRole && r.containerId === req.params.clientUuid),
  );
  router.post('/composites', changeComposites(roleOf, true));
  router.delete('/composites', changeComposites(roleOf, false));
};
