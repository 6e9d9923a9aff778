/** A role's composites (`.../composites`, `/realm`, `/clients/{id}`), for roles by name and by id. */
import type { Request, Response, Router } from 'express';
import type { RoleModel } from '../../state/model.js';
import { roleById } from '../../state/store.js';
import { type AdminContext, adminContext } from '../context.js';
import { pageOf } from '../route-helpers.js';
import { requireManageRole, resolveRoles, roleRepresentation } from './model.js';

export type RoleOf = (ctx: AdminContext, req: Request) => RoleModel;

/** `search` is a case-insensitive infix of the role name. */
const nameMatches = (req: Request) => {
  const search = typeof req.query.search === 'string' ? req.query.search.toLowerCase() : '';
  return (role: RoleModel) => role.name.toLowerCase().includes(search);
};

/**
 * Composites as brief roles (no `attributes`). Only the whole list (`.../composites`) takes `search`, `first`
 * and `max` — sorted by name when any is given —; the realm and client parts list everything
 * (RoleByIdResource#getRoleComposites / #getRealmRoleComposites / #getClientRoleComposites).
 */
const listComposites =
  (roleOf: RoleOf, wanted: (role: RoleModel, req: Request) => boolean, windowable = false) =>
  (req: Request, res: Response) => {
    const ctx = adminContext(res);
    const role = roleOf(ctx, req);
    const windowed = windowable && ['search', 'first', 'max'].some((key) => req.query[key] !== undefined);
    const matches = windowed ? nameMatches(req) : () => true;
    const composites = [...role.compositeIds]
      .map((id) => roleById(ctx.realm, id))
      .filter((r): r is RoleModel => Boolean(r && wanted(r, req) && matches(r)));
    if (!windowed) {
      res.json(composites.map((r) => roleRepresentation(r, true)));
      return;
    }
    composites.sort((a, b) => a.name.localeCompare(b.name));
    res.json(pageOf(req, composites, Number.MAX_SAFE_INTEGER).map((r) => roleRepresentation(r, true)));
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
    listComposites(roleOf, () => true, true),
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
