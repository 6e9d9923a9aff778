/** A user's sessions and password: logout (everywhere), the session list, the admin password reset. */
import type { Request, Response, Router } from 'express';
import { KeycloakHttpError } from '../../http/errors.js';
import { newPasswordCredential } from '../../state/credentials.js';
import type { RealmModel, SessionModel, UserModel } from '../../state/model.js';
import { clientByClientId } from '../../state/store.js';
import { adminContext } from '../context.js';
import { userFor } from './route-context.js';

/** Ends the user's online sessions; offline ones stay, as UserResource#logout leaves them (not-before stales them). */
export const endSessions = (realm: RealmModel, user: UserModel) => {
  for (const [id, session] of realm.sessions) if (session.userId === user.id) realm.sessions.delete(id);
};

const logout = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('manage-users');
  user.notBefore = Math.floor(Date.now() / 1000);
  endSessions(ctx.realm, user);
  ctx.event({ operationType: 'ACTION', resourceType: 'USER', resourcePath: `users/${user.id}/logout` });
  res.status(204).end();
};

/** UserSessionRepresentation (ModelToRepresentation#toRepresentation); `clients` maps client uuid → clientId. */
export const sessionRepresentation = (realm: RealmModel, user: UserModel, s: SessionModel) => ({
  id: s.id,
  username: user.username,
  userId: user.id,
  ipAddress: s.ipAddress,
  start: s.started,
  lastAccess: s.lastAccess,
  rememberMe: false,
  clients: Object.fromEntries(
    [...s.clients.keys()].map((clientId) => [clientByClientId(realm, clientId)?.id ?? clientId, clientId]),
  ),
  transientUser: false,
});

/** The online sessions only: offline ones are listed per client (`…/offline-sessions/{client}`). */
const listSessions = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('view-users', 'manage-users');
  const sessions = [...ctx.realm.sessions.values()].filter((s) => s.userId === user.id);
  res.json(sessions.map((s) => sessionRepresentation(ctx.realm, user, s)));
};

const resetPassword = (req: Request<{ id: string }>, res: Response) => {
  const ctx = adminContext(res);
  const user = userFor(ctx, req.params.id);
  ctx.require('manage-users');
  const rep = (req.body ?? {}) as { value?: unknown; temporary?: unknown };
  if (rep.value === undefined || rep.value === null)
    throw new KeycloakHttpError(400, { error: 'No password provided' });
  if (typeof rep.value !== 'string' || rep.value.trim() === '') {
    throw new KeycloakHttpError(400, { error: 'Empty password not allowed' });
  }
  user.credentials = [...user.credentials.filter((c) => c.type !== 'password'), newPasswordCredential(rep.value)].sort(
    (a, b) => a.priority - b.priority,
  );
  user.requiredActions = user.requiredActions.filter((a) => a !== 'UPDATE_PASSWORD');
  if (rep.temporary === true) user.requiredActions.push('UPDATE_PASSWORD');
  ctx.event({ operationType: 'ACTION', resourceType: 'USER', resourcePath: `users/${user.id}/reset-password` });
  res.status(204).end();
};

export const sessionRoutes = (router: Router): void => {
  router.post('/:id/logout', logout);
  router.get('/:id/sessions', listSessions);
  router.put('/:id/reset-password', resetPassword);
};
