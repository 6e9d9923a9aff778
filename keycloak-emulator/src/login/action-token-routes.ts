/**
 * `login-actions/action-token`: the links in emails, as LoginActionsService#handleActionToken runs them.
 * A link continues the login it belongs to when this browser has it (the reset's "Forgot Password?" tab,
 * or the tab a "» Click here to proceed" link was made for); otherwise it starts afresh: a reset link
 * runs its actions and ends on "Your account has been updated." without a sign-in, an execute-actions
 * link first shows the actions to perform with the proceed link (ExecuteActionsActionTokenHandler).
 * No success event is recorded for opening a link; only errors (EXECUTE_ACTION_TOKEN_ERROR and the
 * handler's `<event>_ERROR`). `HEAD` answers 200 and uses nothing up (mail scanners probe links).
 */
import { type Request, type Response, Router } from 'express';
import { recordEvent } from '../events/recorder.js';
import { langFor } from '../i18n/lang.js';
import { baseUrlOf } from '../oidc/base-url.js';
import type { AuthSessionModel, ExecutionModel, RealmModel, UserModel } from '../state/model.js';
import { type EmulatorState, executionsOf, flowByAlias } from '../state/store.js';
import { actionTokenUrl } from './action-links.js';
import {
  type ActionTokenCheck,
  type ActionTokenClaims,
  bindActionToken,
  markActionTokenUsed,
  verifyActionToken,
} from './action-tokens.js';
import { currentAuthSession, newAuthSession, rootIdOf } from './auth-sessions.js';
import { realmOf, sendError, sendPage } from './http.js';
import { ACTION_EXPIRED, ACTION_EXPIRED_RESTART, ACTION_USED_UP, confirmActionsPage } from './info-pages.js';
import { contextFor, proceed } from './journey.js';
import { requestLocaleHints } from './locale.js';
import { infoPage, loginPage, realmTitleOf } from './pages.js';

/**
 * A page of a link opened without a login of its own: the realm's name and the language for the link's
 * user (the token names its user, so the user's `locale` attribute counts) and this request.
 */
const frameOf = (realm: RealmModel, req: Request, user?: UserModel) => {
  const userAttribute = user?.attributes.locale?.[0];
  const hints = { ...requestLocaleHints(req, realm), ...(userAttribute ? { userAttribute } : {}) };
  return { realmTitle: realmTitleOf(realm), lang: langFor(realm, hints) };
};

const NO_LONGER_VALID = 'This action is no longer valid. It may have expired or been used already.';

/** The event type each handler records its errors under (AbstractActionTokenHandler#eventType). */
const HANDLER_EVENT: Record<ActionTokenClaims['typ'], string> = {
  'execute-actions': 'EXECUTE_ACTIONS',
  'reset-credentials': 'RESET_PASSWORD',
  'verify-email': 'VERIFY_EMAIL',
};

const tokenError = (req: Request, realm: RealmModel, type: string, error: string, userId?: string) =>
  recordEvent(realm, { type: `${type}_ERROR`, ipAddress: req.ip ?? '', error, ...(userId ? { userId } : {}) });

/** The sign-in form of the realm's browser flow, wherever the flow nests it. */
const passwordFormOf = (realm: RealmModel, flowId: string): ExecutionModel | undefined => {
  for (const execution of executionsOf(realm, flowId)) {
    if (execution.requirement === 'DISABLED') continue;
    if (execution.authenticator === 'auth-username-password-form') return execution;
    const nested = execution.flowId ? passwordFormOf(realm, execution.flowId) : undefined;
    if (nested) return nested;
  }
  return undefined;
};

/**
 * An expired link in the browser whose login sent it: that login starts over at the sign-in page with
 * "Action expired. Please start again." (AuthenticationProcessor.resetFlow to the authenticate path).
 */
const restartLogin = (state: EmulatorState, req: Request, res: Response, authSession: AuthSessionModel) => {
  const realm = realmOf(state, req);
  Object.assign(authSession, { flow: 'browser', completed: new Set(), requiredActions: new Set(), notes: {} });
  delete authSession.userId;
  const flow = flowByAlias(realm, String(realm.settings.browserFlow));
  const form = flow ? passwordFormOf(realm, flow.id) : undefined;
  const ctx = contextFor(state, req, realm, authSession);
  if (!form) return sendError(res, realm, ACTION_EXPIRED_RESTART);
  const page = loginPage({
    ...ctx.frame,
    action: ctx.withExecution(form).actionUrl(),
    resetUrl: ctx.resetUrl(),
    error: ACTION_EXPIRED_RESTART,
  });
  return sendPage(res, page);
};

const refuseToken = (
  state: EmulatorState,
  req: Request,
  res: Response,
  check: Exclude<ActionTokenCheck, { ok: true }>,
) => {
  const realm = realmOf(state, req);
  if (check.reason === 'used') {
    tokenError(req, realm, HANDLER_EVENT[check.claims.typ], 'expired_code', check.claims.sub);
    return sendError(res, realm, ACTION_USED_UP);
  }
  tokenError(req, realm, 'EXECUTE_ACTION_TOKEN', check.reason === 'expired' ? 'expired_code' : 'invalid_code');
  if (check.reason === 'invalid') return sendError(res, realm, NO_LONGER_VALID);
  const current = currentAuthSession(req, realm);
  return current ? restartLogin(state, req, res, current) : sendError(res, realm, ACTION_EXPIRED);
};

const verifyEmail = (req: Request, res: Response, realm: RealmModel, user: UserModel, claims: ActionTokenClaims) => {
  if (claims.eml && claims.eml !== user.email) return sendError(res, realm, NO_LONGER_VALID);
  markActionTokenUsed(realm, claims.jti, claims.exp);
  user.emailVerified = true;
  user.requiredActions = user.requiredActions.filter((a) => a !== 'VERIFY_EMAIL');
  recordEvent(realm, {
    type: 'VERIFY_EMAIL',
    clientId: claims.azp,
    userId: user.id,
    ipAddress: req.ip ?? '',
    details: { email: user.email ?? '' },
  });
  return sendPage(res, infoPage({ ...frameOf(realm, req, user), message: 'Your email address has been verified.' }));
};

/** The login in this browser that the token belongs to (its tab, named in the token), if any. */
const linkedSession = (req: Request, realm: RealmModel, claims: ActionTokenClaims) => {
  const current = currentAuthSession(req, realm);
  return current && claims.asid === current.tabId ? current : undefined;
};

/**
 * Points a login at the token's work, keeping what the application asked for (redirect URI, state,
 * nonce, scope, PKCE). Reopened before its actions are done, the login just continues.
 */
const takeOver = (authSession: AuthSessionModel, user: UserModel, claims: ActionTokenClaims) => {
  if (authSession.notes.actionToken === claims.jti) return authSession;
  const reset = claims.typ === 'reset-credentials';
  Object.assign(authSession, {
    flow: reset ? 'reset-credentials' : 'actions',
    userId: user.id,
    completed: new Set(),
    requiredActions: new Set(reset ? [] : (claims.rda ?? [])),
    notes: { actionToken: claims.jti, actionTokenExpires: String(claims.exp) },
  });
  // The reset flow's email step counts as done: following the link proved the email.
  if (reset) authSession.notes.emailVerified = 'true';
  else {
    // Execute-actions runs no flow, and ends on the info page (END_AFTER_REQUIRED_ACTIONS).
    authSession.notes.flowDone = 'true';
    authSession.notes.endAfterActions = 'true';
    if (claims.reduri) authSession.redirectUri = claims.reduri;
    else delete authSession.redirectUri;
  }
  return authSession;
};

/** A link with no login of its own in this browser: a fresh one that ends without signing in. */
const freshSession = (req: Request, res: Response, realm: RealmModel, user: UserModel, claims: ActionTokenClaims) => {
  const authSession = newAuthSession(realm, rootIdOf(req, res, realm), { clientId: claims.azp, flow: 'actions' });
  takeOver(authSession, user, claims);
  authSession.notes.endAfterActions = 'true';
  return authSession;
};

/** "Perform the following action(s): …" with the proceed link bound to a fresh login in this browser. */
const confirmActions = (req: Request, res: Response, realm: RealmModel, user: UserModel, claims: ActionTokenClaims) => {
  const authSession = newAuthSession(realm, rootIdOf(req, res, realm), { clientId: claims.azp, flow: 'actions' });
  const key = bindActionToken(realm, claims, authSession.tabId);
  const proceedUrl = actionTokenUrl(baseUrlOf(req), realm, key, { clientId: claims.azp, tabId: authSession.tabId });
  return sendPage(res, confirmActionsPage(frameOf(realm, req, user), claims.rda ?? [], proceedUrl));
};

export const actionTokenRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.head('/login-actions/action-token', (_req, res) => {
    res.status(200).end();
  });
  router.get('/login-actions/action-token', async (req, res) => {
    const realm = realmOf(state, req);
    const check = verifyActionToken(realm, String(req.query.key ?? ''));
    if (!check.ok) return refuseToken(state, req, res, check);
    const { claims } = check;
    const user = realm.users.get(claims.sub);
    if (!user) return sendError(res, realm, 'User not found.');
    if (!user.enabled) return sendError(res, realm, 'Account is disabled, contact your administrator.');
    if (claims.typ === 'verify-email') return verifyEmail(req, res, realm, user, claims);
    const linked = linkedSession(req, realm, claims);
    if (!linked && claims.typ === 'execute-actions') return confirmActions(req, res, realm, user, claims);
    const authSession = linked ? takeOver(linked, user, claims) : freshSession(req, res, realm, user, claims);
    req.query.tab_id = authSession.tabId;
    await proceed(res, contextFor(state, req, realm, authSession));
  });
  return router;
};
