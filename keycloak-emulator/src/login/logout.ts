/**
 * The end-session endpoint: without an id_token_hint Keycloak asks the person first (a confirmation
 * page whose code is bound to the session); then it ends the SSO session, clears the identity cookies
 * and returns to an allowed `post_logout_redirect_uri`, or shows "You are logged out".
 */
import { createHmac } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { recordEvent } from '../events/recorder.js';
import { baseUrlOf } from '../oidc/base-url.js';
import { realmKeys } from '../oidc/keys.js';
import type { RealmModel, SessionModel } from '../state/model.js';
import { clientByClientId, type EmulatorState } from '../state/store.js';
import { cookiePath, IDENTITY_COOKIE, SESSION_COOKIE, ssoSessionOf } from './cookies.js';
import { queryOf, realmOf, sendError, sendPage } from './http.js';
import { langOfRequest } from './locale.js';
import { infoPage, logoutConfirmPage, realmTitleOf } from './pages.js';
import { redirectUriAllowed } from './redirect.js';

/** The confirmation code of the logout page, bound to the SSO session it would end. */
const logoutCode = (realm: RealmModel, sessionId: string) =>
  createHmac('sha256', realmKeys(realm).hmacSecret).update(`logout:${sessionId}`).digest('base64url');

const confirmPage = (req: Request, realm: RealmModel, session: SessionModel, params: Record<string, string>) =>
  logoutConfirmPage({
    realmTitle: realmTitleOf(realm),
    lang: langOfRequest(realm, req),
    action: `${baseUrlOf(req)}/realms/${encodeURIComponent(realm.name)}/protocol/openid-connect/logout/logout-confirm`,
    fields: {
      session_code: logoutCode(realm, session.id),
      ...(params.client_id ? { client_id: params.client_id } : {}),
      ...(params.post_logout_redirect_uri ? { post_logout_redirect_uri: params.post_logout_redirect_uri } : {}),
      ...(params.state ? { state: params.state } : {}),
    },
  });

const endSession = (req: Request, realm: RealmModel, session: SessionModel, clientId: string | undefined) => {
  realm.sessions.delete(session.id);
  recordEvent(realm, {
    type: 'LOGOUT',
    userId: session.userId,
    sessionId: session.id,
    ipAddress: req.ip ?? '',
    ...(clientId ? { clientId } : {}),
  });
};

export const logoutRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  const logout = (req: Request, res: Response) => {
    const realm = realmOf(state, req);
    const params = { ...queryOf(req), ...((req.body ?? {}) as Record<string, string>) };
    const sessionId = ssoSessionOf(req, realm);
    const session = sessionId ? realm.sessions.get(sessionId) : undefined;
    const confirmed = req.path.endsWith('/logout-confirm');
    if (session && !params.id_token_hint && !confirmed) return sendPage(res, confirmPage(req, realm, session, params));
    if (session && confirmed && params.session_code !== logoutCode(realm, session.id)) {
      return sendError(res, realm, 'Logout failed', 400);
    }
    if (session) endSession(req, realm, session, params.client_id);
    res.clearCookie(IDENTITY_COOKIE, { path: cookiePath(realm) });
    res.clearCookie(SESSION_COOKIE, { path: cookiePath(realm) });
    const redirect = params.post_logout_redirect_uri;
    const client = params.client_id ? clientByClientId(realm, params.client_id) : undefined;
    if (redirect && client && redirectUriAllowed(client, redirect, baseUrlOf(req))) {
      const target = new URL(redirect);
      if (params.state) target.searchParams.set('state', params.state);
      res.redirect(302, target.toString());
      return;
    }
    sendPage(
      res,
      infoPage({ realmTitle: realmTitleOf(realm), lang: langOfRequest(realm, req), message: 'You are logged out' }),
    );
  };
  router.get('/protocol/openid-connect/logout', logout);
  router.post('/protocol/openid-connect/logout', form, logout);
  router.post('/protocol/openid-connect/logout/logout-confirm', form, logout);
  return router;
};
