/** `/groups`: the tree (top-level groups, children), search and count, members, and group role mappings. */
import type GroupRepresentation from '@keycloak/keycloak-admin-client/lib/defs/groupRepresentation.js';
import { type Request, type Response, Router } from 'express';
import { badRequest, notFound } from '../../http/errors.js';
import { findGroup, usersInOrder } from '../../state/store.js';
import { type AdminContext, adminContext } from '../context.js';
import { roleMappingsRouter } from '../roles/mappings.js';
import { answerCreated, intParam } from '../route-helpers.js';
import { groupByPath, toUserRepresentation } from '../users/representation.js';
import { childrenOf, groupRepresentation, listGroups } from './representation.js';
import { checkSiblings, createGroupFromRepresentation, deleteGroup, matchesSearch, requireName } from './tree.js';

const groupOf = (ctx: AdminContext, req: Request) => findGroup(ctx.realm, String(req.params.id));

const listTopLevel = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('query-groups', 'view-users', 'manage-users');
  const search = typeof req.query.search === 'string' ? req.query.search : undefined;
  const exact = req.query.exact === 'true';
  const top = childrenOf(ctx.realm, undefined).filter((g) => !search || matchesSearch(ctx.realm, g, search, exact));
  res.json(listGroups(ctx, req, top));
};

const countTopLevel = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('query-groups', 'view-users', 'manage-users');
  const search = typeof req.query.search === 'string' ? req.query.search : undefined;
  const top = childrenOf(ctx.realm, undefined).filter((g) => !search || matchesSearch(ctx.realm, g, search, false));
  res.json({ count: top.length });
};

/** Creates a top-level group (no parent) or a child. */
const createGroup = (parentId: string | undefined) => (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('manage-users');
  if (parentId === '') throw notFound('Could not find group by id');
  const rep = req.body as GroupRepresentation;
  const group = createGroupFromRepresentation(ctx.realm, { ...rep, id: undefined, subGroups: [] }, parentId);
  ctx.event({
    operationType: 'CREATE',
    resourceType: 'GROUP',
    resourcePath: `groups/${group.id}`,
    representation: rep,
  });
  answerCreated(req, res, ctx.realm.name, `groups/${group.id}`);
};

const getGroup = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('view-users', 'manage-users', 'query-groups');
  res.json(groupRepresentation(ctx.realm, groupOf(ctx, req), false, ctx));
};

const updateGroup = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('manage-users');
  const group = groupOf(ctx, req);
  const rep = req.body as GroupRepresentation;
  const name = requireName(rep);
  if (rep.id && rep.id !== group.id) throw badRequest('Invalid group id');
  checkSiblings(ctx.realm, name, group.parentId, group);
  group.name = name;
  if (rep.description !== undefined) group.description = rep.description;
  if (rep.attributes !== undefined) group.attributes = structuredClone(rep.attributes as Record<string, string[]>);
  ctx.event({
    operationType: 'UPDATE',
    resourceType: 'GROUP',
    resourcePath: `groups/${group.id}`,
    representation: rep,
  });
  res.status(204).end();
};

const removeGroup = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('manage-users');
  const group = groupOf(ctx, req);
  deleteGroup(ctx.realm, group);
  ctx.event({ operationType: 'DELETE', resourceType: 'GROUP', resourcePath: `groups/${group.id}` });
  res.status(204).end();
};

const listChildren = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('query-groups', 'view-users', 'manage-users');
  const group = groupOf(ctx, req);
  res.json(listGroups(ctx, req, childrenOf(ctx.realm, group.id)));
};

const createChild = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  const group = groupOf(ctx, req);
  return createGroup(group.id)(req, res);
};

const listMembers = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('view-users', 'manage-users');
  const group = groupOf(ctx, req);
  const first = intParam(req.query.first, 0);
  const max = intParam(req.query.max, 100);
  const brief = req.query.briefRepresentation === 'true';
  const members: ReturnType<typeof toUserRepresentation>[] = [];
  let skipped = 0;
  for (const user of usersInOrder(ctx.realm)) {
    if (!user.groupIds.has(group.id)) continue;
    if (skipped++ < first) continue;
    if (members.length >= max) break;
    members.push(toUserRepresentation(ctx.realm, user, { brief }));
  }
  res.json(members);
};

const groupRoleMappingsRouter = () =>
  roleMappingsRouter((ctx, req) => {
    const group = groupOf(ctx, req);
    return {
      holder: group,
      inheritsFrom: group.parentId ? [group.parentId] : [],
      path: `groups/${group.id}/role-mappings`,
      requireView: (c) => c.require('view-users', 'manage-users', 'query-groups'),
      requireMap: (c) => c.require('manage-users'),
    };
  });

export const groupsRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.get('/', listTopLevel);
  router.get('/count', countTopLevel);
  router.post('/', createGroup(undefined));
  router.get('/:id', getGroup);
  router.put('/:id', updateGroup);
  router.delete('/:id', removeGroup);
  router.get('/:id/children', listChildren);
  router.post('/:id/children', createChild);
  router.get('/:id/members', listMembers);
  router.use('/:id/role-mappings', groupRoleMappingsRouter());
  return router;
};

/** `/group-by-path/{path}` (mounted by admin/router.ts). */
export const groupByPathRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.get(/^\/(.*)$/, (req, res) => {
    const ctx = adminContext(res);
    const path = decodeURIComponent(req.path);
    const group = groupByPath(ctx.realm, path);
    if (!group) throw notFound('Group path does not exist');
    ctx.require('view-users', 'manage-users', 'query-groups');
    res.json(groupRepresentation(ctx.realm, group, false, ctx));
  });
  return router;
};
