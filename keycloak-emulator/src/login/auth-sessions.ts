/**
 * Logins in progress: one authentication session per browser tab (`tab_id`), all of a browser's under
 * the root id its AUTH_SESSION_ID cookie holds; a request continues a login only from the same browser
 * and within the realm's login lifespan.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AuthSessionModel, RealmModel } from '../state/model.js';
import type { LoginRequest } from './context.js';
import { AUTH_SESSION_COOKIE, cookieOf, cookiePath } from './cookies.js';

/** The browser's root id, set in a new cookie when it has none yet. */
export const rootIdOf = (req: Request, res: Response, realm: RealmModel) => {
  const existing = cookieOf(req, AUTH_SESSION_COOKIE);
  if (existing) return existing;
  const rootId = randomUUID();
  res.cookie(AUTH_SESSION_COOKIE, rootId, { path: cookiePath(realm), httpOnly: true, sameSite: 'lax' });
  return rootId;
};

export const newAuthSession = (
  realm: RealmModel,
  rootId: string,
  fields: Partial<AuthSessionModel> & Pick<AuthSessionModel, 'clientId' | 'flow'>,
): AuthSessionModel => {
  const session: AuthSessionModel = {
    tabId: randomBytes(8).toString('base64url'),
    rootId,
    completed: new Set(),
    requiredActions: new Set(),
    notes: {},
    createdAt: Date.now(),
    ...fields,
  };
  realm.authSessions.set(session.tabId, session);
  return session;
};

/** The login this request continues: the tab's session, owned by this browser and not expired. */
export const currentAuthSession = (req: Request, realm: RealmModel): AuthSessionModel | undefined => {
  const tabId = String(req.query.tab_id ?? '');
  const session = realm.authSessions.get(tabId);
  const rootId = cookieOf(req, AUTH_SESSION_COOKIE);
  const lifespan = Number(realm.settings.accessCodeLifespanLogin ?? 1800) * 1000;
  if (!session || session.rootId !== rootId || Date.now() - session.createdAt > lifespan) return undefined;
  return session;
};

/** The form a POST sends to the execution its `execution` parameter names; none for a GET. */
export const postedOf = (req: Request): LoginRequest['posted'] =>
  req.method === 'POST'
    ? { executionId: String(req.query.execution ?? ''), form: req.body as Record<string, string> }
    : undefined;
