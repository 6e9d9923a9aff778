/** A user's group memberships (`/users/{id}/groups`): list, count, join, leave. */
import { type Request, type Response, Router } from 'express';
import { notFound } from '../../http/errors.js';
import type { GroupModel } from '../../state/model.js';
import { type AdminContext, adminContext } from '../context.js';
import { pageOf } from '../route-helpers.js';
import { userFor } from '../users/route-context.js';
import { groupPath, groupRepresentation, membershipRepresentation } from './representation.js';

/** `/users/{id}/groups...` (mounted by admin/router.ts). */
export const userGroupsRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const memberships = (ctx: AdminContext, req: Request) => {
    const user = userFor(ctx, String(req.params.id));
    ctx.require('view-users', 'manage-users');
    const search = typeof req.query.search === 'string' ? req.query.search.toLowerCase() : undefined;
    const groups = [...user.groupIds]
      .map((id) => ctx.realm.groups.get(id))
      .filter((g): g is GroupModel => Boolean(g && (!search || g.name.toLowerCase().includes(search))))
      .sort((a, b) => groupPath(ctx.realm, a).localeCompare(groupPath(ctx.realm, b)));
    return groups;
  };

  router.get('/', (req, res) => {
    const ctx = adminContext(res);
    const full = req.query.briefRepresentation === 'false';
    res.json(pageOf(req, memberships(ctx, req), 100).map((g) => membershipRepresentation(ctx.realm, g, full)));
  });

  router.get('/count', (req, res) => {
    const ctx = adminContext(res);
    res.json({ count: memberships(ctx, req).length });
  });

  const membership = (join: boolean) => (req: Request, res: Response) => {
    const ctx = adminContext(res);
    const user = userFor(ctx, String(req.params.id));
    ctx.require('manage-users');
    const group = ctx.realm.groups.get(String(req.params.groupId));
    if (!group) throw notFound('Group not found');
    const member = user.groupIds.has(group.id);
    if (join !== member) {
      if (join) user.groupIds.add(group.id);
      else user.groupIds.delete(group.id);
      ctx.event({
        operationType: join ? 'CREATE' : 'DELETE',
        resourceType: 'GROUP_MEMBERSHIP',
        resourcePath: `users/${user.id}/groups/${group.id}`,
        representation: groupRepresentation(ctx.realm, group, false),
        details: { username: user.username, ...(user.email ? { email: user.email } : {}) },
      });
    }
    res.status(204).end();
  };
  router.put('/:groupId', membership(true));
  router.delete('/:groupId', membership(false));
  return router;
};
