/** The user collection (list, count, create) and single users (read, update, delete). */
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import type { Request, Response, Router } from 'express';
import { offlineSessionsOf } from '../../oidc/offline-sessions.js';
import { unindexUser } from '../../state/store.js';
import { adminContext } from '../context.js';
import { answerCreated, bool, intParam, str } from '../route-helpers.js';
import { createUserFromRepresentation, toUserRepresentation, updateUser } from './representation.js';
import { body, fullAccess, userFor } from './route-context.js';
import { countUsers, findUsers, type UserQuery } from './search.js';
import { endSessions } from './sessions.js';

const userQuery = (req: Request): UserQuery => ({
  search: str(req.query.search),
  username: str(req.query.username),
  email: str(req.query.email),
  firstName: str(req.query.firstName),
  lastName: str(req.query.lastName),
  exact: bool(req.query.exact),
  enabled: bool(req.query.enabled),
  emailVerified: bool(req.query.emailVerified),
  q: str(req.query.q),
});

const listUsers = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('query-users', 'view-users');
  // With query-users alone Keycloak filters every user out (only fine-grained permissions grant views).
  if (!ctx.can('view-users') && !ctx.can('manage-users')) {
    res.json([]);
    return;
  }
  const brief = bool(req.query.briefRepresentation) === true;
  const users = findUsers(ctx.realm, userQuery(req), intParam(req.query.first, 0), intParam(req.query.max, 100));
  const manage = ctx.can('manage-users');
  res.json(users.map((u) => ({ ...toUserRepresentation(ctx.realm, u, { brief }), access: { manage } })));
};

const countMatchingUsers = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('query-users', 'view-users');
  res.json(countUsers(ctx.realm, userQuery(req)));
};

const createUser = (req: Request, res: Response) => {
  const ctx = adminContext(res);
  ctx.require('manage-users');
  const rep = body(req) as UserRepresentation;
  const user = createUserFromRepresentation(ctx.realm, { ...rep, id: undefined }, { imported: false });
  // A user created through the admin API joins the realm's default groups (JpaUserProvider.addUser).
  for (const groupId of ctx.realm.defaultGroupIds) user.groupIds.add(groupId);
  ctx.event({ operationType: 'CREATE', resourceType: 'USER', resourcePath: `users/${user.id}`, representation: rep });
  answerCreated(req, res, ctx.realm.name, `users/${user.id}`);
};

const getUser = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('view-users', 'manage-users');
  res.json({ ...toUserRepresentation(ctx.realm, user), access: fullAccess(ctx) });
};

const putUser = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('manage-users');
  const rep = body(req) as UserRepresentation;
  updateUser(ctx.realm, user, rep);
  ctx.event({ operationType: 'UPDATE', resourceType: 'USER', resourcePath: `users/${user.id}`, representation: rep });
  res.status(204).end();
};

const deleteUser = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('manage-users');
  unindexUser(ctx.realm, user);
  endSessions(ctx.realm, user);
  for (const session of offlineSessionsOf(ctx.realm, user.id)) ctx.realm.offlineSessions.delete(session.id);
  if (user.serviceAccountClientId) {
    const client = ctx.realm.clients.get(user.serviceAccountClientId);
    if (client) delete client.serviceAccountUserId;
  }
  ctx.event({
    operationType: 'DELETE',
    resourceType: 'USER',
    resourcePath: `users/${user.id}`,
    representation: { id: user.id, username: user.username },
  });
  res.status(204).end();
};

export const collectionRoutes = (router: Router): void => {
  router.get('/', listUsers);
  router.get('/count', countMatchingUsers);
  router.post('/', createUser);
};

export const singleUserRoutes = (router: Router): void => {
  router.get('/:id', getUser);
  router.put('/:id', putUser);
  router.delete('/:id', deleteUser);
};
