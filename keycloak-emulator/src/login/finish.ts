/**
 * The end of a login: an execute-actions link ends on an info page; every other login starts (or
 * reuses) the SSO session, sets the identity cookies, records LOGIN, and sends the browser back to
 * the client with an authorization code.
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { startSession } from '../oidc/user-sessions.js';
import type { ClientModel, SessionModel, UserModel } from '../state/model.js';
import { clientByClientId } from '../state/store.js';
import { recordLoginSuccess } from './brute-force.js';
import type { LoginContext } from './context.js';
import { cookiePath, IDENTITY_COOKIE, identityCookie, SESSION_COOKIE } from './cookies.js';
import { sendError, sendPage, TIMED_OUT } from './http.js';
import { infoPage } from './pages.js';

const ACCOUNT_UPDATED = 'Your account has been updated.';

const finishExecuteActions = (res: Response, ctx: LoginContext) => {
  const { authSession } = ctx;
  ctx.event('EXECUTE_ACTIONS', {
    details: { required_actions: [...(authSession.notes.actions ?? '').split(',')].join(',') },
  });
  const link = authSession.redirectUri ? { href: authSession.redirectUri, text: '« Back to Application' } : undefined;
  return sendPage(res, infoPage({ realmTitle: ctx.realmTitle, message: ACCOUNT_UPDATED, ...(link ? { link } : {}) }));
};

/** The SSO session the login reused through the identity cookie if it is the same user's, else a new one. */
const ssoSessionFor = (ctx: LoginContext, user: UserModel): SessionModel => {
  const { realm, authSession } = ctx;
  const client = clientByClientId(realm, authSession.clientId);
  const existing = authSession.notes.ssoReused ? realm.sessions.get(authSession.notes.ssoReused) : undefined;
  return existing?.userId === user.id
    ? existing
    : startSession(realm, user, client ?? ({ clientId: authSession.clientId } as ClientModel), ctx.request.ipAddress);
};

const setIdentityCookies = (res: Response, ctx: LoginContext, user: UserModel, session: SessionModel) => {
  const { realm } = ctx;
  res.cookie(IDENTITY_COOKIE, identityCookie(realm, session.id), {
    path: cookiePath(realm),
    httpOnly: true,
    sameSite: 'lax',
  });
  res.cookie(SESSION_COOKIE, `${realm.name}/${user.id}/${session.id}`, { path: cookiePath(realm), sameSite: 'lax' });
};

/** Stores a one-time code for the token endpoint and redirects to the client with it. */
const redirectWithCode = (res: Response, ctx: LoginContext, user: UserModel, session: SessionModel, to: string) => {
  const { realm, authSession } = ctx;
  const code = randomBytes(24).toString('base64url');
  realm.authCodes.set(code, {
    code,
    sessionId: session.id,
    userId: user.id,
    clientId: authSession.clientId,
    redirectUri: to,
    ...(authSession.scope ? { scope: authSession.scope } : {}),
    ...(authSession.nonce ? { nonce: authSession.nonce } : {}),
    ...(authSession.codeChallenge
      ? { codeChallenge: authSession.codeChallenge, codeChallengeMethod: authSession.codeChallengeMethod ?? 'plain' }
      : {}),
    expiresAt: Date.now() + Number(realm.settings.accessCodeLifespan ?? 60) * 1000,
  });
  const target = new URL(to);
  if (authSession.state) target.searchParams.set('state', authSession.state);
  target.searchParams.set('session_state', session.id);
  target.searchParams.set('iss', `${ctx.request.baseUrl}/realms/${realm.name}`);
  target.searchParams.set('code', code);
  if (authSession.notes.kcAction) target.searchParams.set('kc_action_status', 'success');
  res.redirect(302, target.toString());
};

/** Ends the login; the tab's authentication session is used up either way. */
export const finish = (res: Response, ctx: LoginContext) => {
  const { realm, authSession } = ctx;
  const user = ctx.user;
  if (!user) return sendError(res, realm, TIMED_OUT);
  realm.authSessions.delete(authSession.tabId);
  if (authSession.flow === 'actions') return finishExecuteActions(res, ctx);
  recordLoginSuccess(realm, user);
  const session = ssoSessionFor(ctx, user);
  session.clients.set(authSession.clientId, Date.now());
  session.lastAccess = Date.now();
  setIdentityCookies(res, ctx, user, session);
  ctx.event('LOGIN', { details: { consent: 'no_consent_required' } });
  if (!authSession.redirectUri)
    return sendPage(res, infoPage({ realmTitle: ctx.realmTitle, message: ACCOUNT_UPDATED }));
  redirectWithCode(res, ctx, user, session, authSession.redirectUri);
};
