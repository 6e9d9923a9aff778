/**
 * The end of a login: the action token that started it is used up; a link's login without a sign-in of
 * its own (END_AFTER_REQUIRED_ACTIONS) ends on "Your account has been updated." with no session and no
 * LOGIN; every other login starts (or reuses) the SSO session, sets the identity cookies, records LOGIN,
 * and sends the browser back to the client with an authorization code. Keycloak records no
 * RESET_PASSWORD / EXECUTE_ACTIONS success event here (contract §11, ResetPasswordTest).
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { startSession } from '../oidc/user-sessions.js';
import type { ClientModel, SessionModel, UserModel } from '../state/model.js';
import { clientByClientId } from '../state/store.js';
import { markActionTokenUsed } from './action-tokens.js';
import { recordLoginSuccess } from './brute-force.js';
import { browserSessionId, type LoginContext } from './context.js';
import { cookiePath, IDENTITY_COOKIE, identityCookie, SESSION_COOKIE } from './cookies.js';
import { sendError, sendPage, TIMED_OUT } from './http.js';
import { accountUpdatedPage } from './info-pages.js';

/** The token is used up only now that all its actions are done (INVALIDATE_ACTION_TOKEN). */
const useUpActionToken = (ctx: LoginContext) => {
  const { actionToken, actionTokenExpires } = ctx.authSession.notes;
  if (actionToken) markActionTokenUsed(ctx.realm, actionToken, Number(actionTokenExpires));
};

/**
 * The browser's SSO session when it is the same user's — reused through the cookie, or signed in again (prompt=login,
 * max_age, step-up): AuthenticationProcessor#attachSession keeps it (same `sid`) — else a new one.
 */
const ssoSessionFor = (ctx: LoginContext, user: UserModel): SessionModel => {
  const { realm, authSession } = ctx;
  const client = clientByClientId(realm, authSession.clientId);
  const existing = realm.sessions.get(browserSessionId(ctx) ?? '');
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
  if (authSession.notes.kcAction)
    target.searchParams.set('kc_action_status', authSession.notes.kcActionStatus ?? 'success');
  res.redirect(302, target.toString());
};

/**
 * What tokens tell of this sign-in: the executions completed (the AMR mapper's source, added to the session's),
 * the levels reached (LOA_MAP) and the level this client's sign-in reached (the acr mapper's source).
 */
const recordAuthentication = (ctx: LoginContext, session: SessionModel) => {
  const { realm, authSession } = ctx;
  const executions = [...authSession.completed].filter((id) => !realm.executions.get(id)?.flowId);
  session.authenticatorsCompleted = [...new Set([...(session.authenticatorsCompleted ?? []), ...executions])];
  const now = Math.floor(Date.now() / 1000);
  const times = JSON.parse(authSession.notes.completedAt ?? '{}') as Record<string, number>;
  session.authenticatorsCompletedAt = {
    ...session.authenticatorsCompletedAt,
    ...Object.fromEntries(executions.map((id) => [id, times[id] ?? now])),
  };
  session.loaMap = { ...session.loaMap, ...(JSON.parse(authSession.notes.loaMap ?? '{}') as Record<string, number>) };
  const level = authSession.notes.loa === undefined ? -1 : Number(authSession.notes.loa);
  session.clientLoa = {
    ...session.clientLoa,
    [authSession.clientId]: { level, sso: authSession.notes.ssoAuth === 'true' },
  };
};

/** Ends the login; the tab's authentication session is used up either way. */
export const finish = (res: Response, ctx: LoginContext) => {
  const { realm, authSession } = ctx;
  const user = ctx.user;
  if (!user) return sendError(res, realm, TIMED_OUT);
  realm.authSessions.delete(authSession.tabId);
  useUpActionToken(ctx);
  if (authSession.notes.endAfterActions === 'true')
    return sendPage(res, accountUpdatedPage(ctx.frame, authSession.redirectUri));
  recordLoginSuccess(realm, user);
  const session = ssoSessionFor(ctx, user);
  // A sign-in with credentials, not an SSO one, renews the AUTH_TIME note (the token's auth_time).
  if (authSession.notes.ssoAuth !== 'true') session.authTime = Date.now();
  recordAuthentication(ctx, session);
  session.clients.set(authSession.clientId, Date.now());
  session.lastAccess = Date.now();
  setIdentityCookies(res, ctx, user, session);
  ctx.event('LOGIN', { details: { consent: 'no_consent_required' } });
  if (!authSession.redirectUri) return sendPage(res, accountUpdatedPage(ctx.frame));
  redirectWithCode(res, ctx, user, session, authSession.redirectUri);
};
