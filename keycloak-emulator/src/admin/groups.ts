/**
 * Groups: the tree (top-level groups, children), members, group role mappings, lookup by path, and a
 * user's group memberships.
 */
import { randomUUID } from 'node:crypto';
import type GroupRepresentation from '@keycloak/keycloak-admin-client/lib/defs/groupRepresentation.js';
import { type Request, Router } from 'express';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { baseUrlOf } from '../oidc/routes.js';
import type { GroupModel, RealmModel } from '../state/model.js';
import { clientByClientId, findGroup, usersInOrder } from '../state/store.js';
import { type AdminContext, adminContext } from './context.js';
import { roleMappingsRouter } from './roles/mappings.js';
import { groupByPath, toUserRepresentation } from './users/representation.js';
import { userFor } from './users/route-context.js';

const intParam = (value: unknown, fallback: number) => {
  const n = Number(value);
  return value === undefined || !Number.isFinite(n) || n < 0 ? fallback : Math.floor(n);
};

export const groupPath = (realm: RealmModel, group: GroupModel): string => {
  const names: string[] = [];
  let current: GroupModel | undefined = group;
  while (current) {
    names.unshift(current.name);
    current = current.parentId ? realm.groups.get(current.parentId) : undefined;
  }
  return `/${names.join('/')}`;
};

const childrenOf = (realm: RealmModel, parentId: string | undefined) =>
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

const requireName = (rep: GroupRepresentation | undefined) => {
  if (!rep || typeof rep !== 'object' || typeof rep.name !== 'string' || rep.name.trim() === '') {
    throw badRequest('Group name is missing');
  }
  return rep.name.trim();
};

const checkSiblings = (realm: RealmModel, name: string, parentId: string | undefined, self?: GroupModel) => {
  const clash = childrenOf(realm, parentId).find((g) => g.name === name && g !== self);
  if (!clash) return;
  throw conflict(
    parentId ? `Sibling group named '${name}' already exists.` : `Top level group named '${name}' already exists.`,
  );
};

/** Creates a group (with subGroups, realmRoles, clientRoles, attributes) from a GroupRepresentation. 409 on a sibling name clash. */
export const createGroupFromRepresentation = (
  realm: RealmModel,
  rep: GroupRepresentation,
  parentId?: string,
): GroupModel => {
  const name = requireName(rep);
  checkSiblings(realm, name, parentId);
  const group: GroupModel = {
    id: rep.id && !realm.groups.has(rep.id) ? rep.id : randomUUID(),
    name,
    ...(rep.description ? { description: rep.description } : {}),
    ...(parentId ? { parentId } : {}),
    attributes: structuredClone((rep.attributes ?? {}) as Record<string, string[]>),
    realmRoleIds: new Set(),
    clientRoleIds: new Map(),
  };
  for (const roleName of rep.realmRoles ?? []) {
    const role = realm.roles.get(roleName);
    if (role) group.realmRoleIds.add(role.id);
  }
  for (const [clientId, names] of Object.entries(rep.clientRoles ?? {})) {
    const client = clientByClientId(realm, clientId);
    const ids = new Set((names as string[]).map((n) => client?.roles.get(n)?.id).filter(Boolean) as string[]);
    if (client && ids.size > 0) group.clientRoleIds.set(client.id, ids);
  }
  realm.groups.set(group.id, group);
  for (const child of rep.subGroups ?? []) createGroupFromRepresentation(realm, child, group.id);
  return group;
};

const deleteGroup = (realm: RealmModel, group: GroupModel) => {
  for (const child of childrenOf(realm, group.id)) deleteGroup(realm, child);
  realm.groups.delete(group.id);
  for (const user of realm.users.values()) user.groupIds.delete(group.id);
};

/** Whether the group or any descendant's name contains the text. */
const matchesSearch = (realm: RealmModel, group: GroupModel, text: string, exact: boolean): boolean =>
  (exact ? group.name === text : group.name.toLowerCase().includes(text.toLowerCase())) ||
  childrenOf(realm, group.id).some((child) => matchesSearch(realm, child, text, exact));

const groupOf = (ctx: AdminContext, req: Request) => findGroup(ctx.realm, String(req.params.id));

const listGroups = (ctx: AdminContext, req: Request, groups: GroupModel[]) => {
  const first = intParam(req.query.first, 0);
  const max = intParam(req.query.max, 100);
  const brief = req.query.briefRepresentation !== 'false';
  return groups.slice(first, first + max).map((g) => groupRepresentation(ctx.realm, g, brief, ctx));
};

export const groupsRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });

  router.get('/', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('query-groups', 'view-users', 'manage-users');
    const search = typeof req.query.search === 'string' ? req.query.search : undefined;
    const exact = req.query.exact === 'true';
    const top = childrenOf(ctx.realm, undefined).filter((g) => !search || matchesSearch(ctx.realm, g, search, exact));
    res.json(listGroups(ctx, req, top));
  });

  router.get('/count', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('query-groups', 'view-users', 'manage-users');
    const search = typeof req.query.search === 'string' ? req.query.search : undefined;
    const top = childrenOf(ctx.realm, undefined).filter((g) => !search || matchesSearch(ctx.realm, g, search, false));
    res.json({ count: top.length });
  });

  const create = (parentId: string | undefined) => (req: Request, res: import('express').Response) => {
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
    res
      .status(201)
      .location(`${baseUrlOf(req)}/admin/realms/${encodeURIComponent(ctx.realm.name)}/groups/${group.id}`)
      .end();
  };
  router.post('/', create(undefined));

  router.get('/:id', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-users', 'manage-users', 'query-groups');
    res.json(groupRepresentation(ctx.realm, groupOf(ctx, req), false, ctx));
  });

  router.put('/:id', (req, res) => {
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
  });

  router.delete('/:id', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-users');
    const group = groupOf(ctx, req);
    deleteGroup(ctx.realm, group);
    ctx.event({ operationType: 'DELETE', resourceType: 'GROUP', resourcePath: `groups/${group.id}` });
    res.status(204).end();
  });

  router.get('/:id/children', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('query-groups', 'view-users', 'manage-users');
    const group = groupOf(ctx, req);
    res.json(listGroups(ctx, req, childrenOf(ctx.realm, group.id)));
  });

  router.post('/:id/children', (req, res) => {
    const ctx = adminContext(res);
    const group = groupOf(ctx, req);
    return create(group.id)(req, res);
  });

  router.get('/:id/members', (req, res) => {
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
  });

  router.use(
    '/:id/role-mappings',
    roleMappingsRouter((ctx, req) => {
      const group = groupOf(ctx, req);
      return {
        holder: group,
        path: `groups/${group.id}/role-mappings`,
        requireView: (c) => c.require('view-users', 'manage-users', 'query-groups'),
        requireMap: (c) => c.require('manage-users'),
      };
    }),
  );
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
    res.json(listGroups(ctx, req, memberships(ctx, req)));
  });

  router.get('/count', (req, res) => {
    const ctx = adminContext(res);
    res.json({ count: memberships(ctx, req).length });
  });

  const membership = (join: boolean) => (req: Request, res: import('express').Response) => {
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
