/**
 * `login-actions/action-token`: the links in emails. Verify-email is done on the spot; reset-credentials
 * continues the login it was sent from (when this browser started it); execute-actions runs its
 * required actions without a sign-in, since following the link proves control of the email.
 */
import { type Request, type Response, Router } from 'express';
import { recordEvent } from '../events/recorder.js';
import type { AuthSessionModel, RealmModel, UserModel } from '../state/model.js';
import type { EmulatorState } from '../state/store.js';
import { type ActionTokenClaims, consumeActionToken } from './action-tokens.js';
import { newAuthSession, rootIdOf } from './auth-sessions.js';
import { realmOf, sendError, sendPage } from './http.js';
import { contextFor, proceed } from './journey.js';
import { infoPage, realmTitleOf } from './pages.js';

const NO_LONGER_VALID = 'This action is no longer valid. It may have expired or been used already.';

const refuseToken = (req: Request, res: Response, realm: RealmModel, reason: 'invalid' | 'expired' | 'used') => {
  recordEvent(realm, {
    type: 'EXECUTE_ACTION_TOKEN_ERROR',
    ipAddress: req.ip ?? '',
    error: reason === 'expired' ? 'expired_code' : 'invalid_code',
  });
  return sendError(res, realm, reason === 'expired' ? 'Action expired. Please start again.' : NO_LONGER_VALID);
};

const verifyEmail = (req: Request, res: Response, realm: RealmModel, user: UserModel, claims: ActionTokenClaims) => {
  if (claims.eml && claims.eml !== user.email) return sendError(res, realm, NO_LONGER_VALID);
  user.emailVerified = true;
  user.requiredActions = user.requiredActions.filter((a) => a !== 'VERIFY_EMAIL');
  recordEvent(realm, {
    type: 'VERIFY_EMAIL',
    clientId: claims.azp,
    userId: user.id,
    ipAddress: req.ip ?? '',
    details: { email: user.email ?? '' },
  });
  return sendPage(res, infoPage({ realmTitle: realmTitleOf(realm), message: 'Your email address has been verified.' }));
};

/** The reset-credentials login the link continues: the email step counts as done. */
const resetSession = (realm: RealmModel, rootId: string, user: UserModel, claims: ActionTokenClaims) => {
  const original = claims.asid ? realm.authSessions.get(claims.asid) : undefined;
  const base = original && original.rootId === rootId ? original : undefined;
  if (base) realm.authSessions.delete(base.tabId);
  const authSession = newAuthSession(realm, rootId, {
    clientId: base?.clientId ?? claims.azp,
    flow: 'reset-credentials',
    userId: user.id,
    ...(base?.redirectUri ? { redirectUri: base.redirectUri } : {}),
    ...(base?.state ? { state: base.state } : {}),
    ...(base?.codeChallenge
      ? { codeChallenge: base.codeChallenge, codeChallengeMethod: base.codeChallengeMethod ?? 'plain' }
      : {}),
  });
  authSession.notes.emailVerified = 'true';
  return authSession;
};

/** The execute-actions login: no flow, only the link's required actions. */
const actionsSession = (realm: RealmModel, rootId: string, user: UserModel, claims: ActionTokenClaims) => {
  const authSession = newAuthSession(realm, rootId, {
    clientId: claims.azp,
    flow: 'actions',
    userId: user.id,
    requiredActions: new Set(claims.rda ?? []),
    ...(claims.reduri ? { redirectUri: claims.reduri } : {}),
  });
  authSession.notes.flowDone = 'true';
  authSession.notes.actions = (claims.rda ?? []).join(',');
  return authSession;
};

export const actionTokenRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.get('/login-actions/action-token', async (req, res) => {
    const realm = realmOf(state, req);
    const check = consumeActionToken(realm, String(req.query.key ?? ''));
    if (!check.ok) return refuseToken(req, res, realm, check.reason);
    const { claims } = check;
    const user = realm.users.get(claims.sub);
    if (!user) return sendError(res, realm, 'User not found.');
    if (!user.enabled) return sendError(res, realm, 'Account is disabled, contact your administrator.');
    const rootId = rootIdOf(req, res, realm);
    if (claims.typ === 'verify-email') return verifyEmail(req, res, realm, user, claims);
    const authSession: AuthSessionModel =
      claims.typ === 'reset-credentials'
        ? resetSession(realm, rootId, user, claims)
        : actionsSession(realm, rootId, user, claims);
    req.query.tab_id = authSession.tabId;
    const ctx = contextFor(state, req, realm, authSession);
    ctx.event('EXECUTE_ACTION_TOKEN', { details: { action: claims.typ } });
    await proceed(res, ctx);
  });
  return router;
};
