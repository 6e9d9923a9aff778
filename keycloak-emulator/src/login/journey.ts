/**
 * What every login route shares: the LoginContext of a request, and `proceed`, which moves a login
 * forward — the realm's bound flow until it needs the user, then the pending required actions, then the finish.
 */
import type { Request, Response } from 'express';
import { baseUrlOf } from '../oidc/base-url.js';
import type { AuthSessionModel, RealmModel } from '../state/model.js';
import { type EmulatorState, flowByAlias } from '../state/store.js';
import { accessAuthenticators } from './access-authenticators.js';
import { newAuthSession } from './auth-sessions.js';
import { authenticators } from './authenticators.js';
import {
  CLIENT_REQUESTED,
  LoginContext,
  type LoginRequest,
  loginActionsUrl,
  type Outcome,
  USER_REQUESTED,
} from './context.js';
import { ssoSessionOf } from './cookies.js';
import { finish } from './finish.js';
import { FlowEngine } from './flow-engine.js';
import { queryOf, sendError, sendPage } from './http.js';
import { loaAuthenticators, unmetEssentialLevel } from './loa.js';
import { notePickedLocale, requestLocaleHints, updateUserLocale } from './locale.js';
import { pendingRequiredActions } from './required-actions.js';

const engine = new FlowEngine({ ...authenticators, ...accessAuthenticators, ...loaAuthenticators });

/**
 * The language menu's links: this login-actions URL with `kc_locale` (FreeMarkerLoginFormsProvider keeps the
 * page's path and query); from the authorization endpoint, the realm's login page (`login-actions/authenticate`).
 */
const languageSwitchUrl = (req: Request, baseUrl: string, realm: RealmModel, authSession: AuthSessionModel) => {
  const onLoginActions = req.path.includes('/login-actions/');
  return (tag: string) => {
    const url = onLoginActions
      ? new URL(`${baseUrl}${req.originalUrl}`)
      : new URL(loginActionsUrl(baseUrl, realm, 'authenticate', authSession));
    url.searchParams.set('kc_locale', tag);
    return url.toString();
  };
};

export const contextFor = (
  state: EmulatorState,
  req: Request,
  realm: RealmModel,
  authSession: AuthSessionModel,
  posted?: LoginRequest['posted'],
) => {
  const baseUrl = baseUrlOf(req);
  notePickedLocale(req, realm, authSession.notes);
  const request: LoginRequest = {
    state,
    realm,
    authSession,
    baseUrl,
    ipAddress: req.ip ?? '127.0.0.1',
    query: queryOf(req),
    engine,
    ssoSessionId: ssoSessionOf(req, realm),
    localeHints: requestLocaleHints(req, realm),
    switchUrl: languageSwitchUrl(req, baseUrl, realm, authSession),
    ...(posted ? { posted } : {}),
  };
  if (authSession.redirectUri) {
    const params = new URLSearchParams({
      client_id: authSession.clientId,
      redirect_uri: authSession.redirectUri,
      response_type: 'code',
    });
    request.loginUrl = `${baseUrl}/realms/${encodeURIComponent(realm.name)}/protocol/openid-connect/auth?${params}`;
  }
  return new LoginContext(request);
};

/**
 * Keycloak's forkWithSuccessMessage: a copy of the login (same client and request) starts the browser flow
 * over, its first page showing `info`; the forked login stays for the link it sent.
 */
const restartedLogin = (ctx: LoginContext, message: string) => {
  const { clientId, redirectUri, state, nonce, scope, codeChallenge, codeChallengeMethod } = ctx.authSession;
  const request = { clientId, redirectUri, state, nonce, scope, codeChallenge, codeChallengeMethod };
  const kept = Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined));
  const authSession = newAuthSession(ctx.realm, ctx.authSession.rootId, { ...kept, clientId, flow: 'browser' });
  authSession.notes.forwardedSuccess = message;
  for (const note of [USER_REQUESTED, CLIENT_REQUESTED]) {
    const value = ctx.authSession.notes[note];
    if (value) authSession.notes[note] = value;
  }
  const { posted: _posted, ...rest } = ctx.request;
  return new LoginContext({ ...rest, authSession });
};

/** Moves a login forward: the flow until it needs the user, then required actions, then the finish. */
export const proceed = async (res: Response, ctx: LoginContext): Promise<void> => {
  const { realm, authSession } = ctx;
  if (authSession.notes.flowDone !== 'true') {
    const binding = authSession.flow === 'reset-credentials' ? 'resetCredentialsFlow' : 'browserFlow';
    const flow = flowByAlias(realm, String(realm.settings[binding]));
    if (!flow) return sendError(res, realm, 'An error occurred, please login again through your application.', 500);
    const outcome: Outcome = await engine.runFlow(ctx, flow.id);
    if (outcome.kind === 'restart') return proceed(res, restartedLogin(ctx, outcome.info));
    if (outcome.kind === 'challenge' || outcome.kind === 'failure') return sendPage(res, outcome.html, outcome.status);
    if (outcome.kind === 'attempted' || !ctx.user) return sendError(res, realm, 'Invalid username or password.');
    const unmet = unmetEssentialLevel(ctx);
    if (unmet?.kind === 'failure') return sendPage(res, unmet.html, unmet.status);
    authSession.notes.flowDone = 'true';
  }
  const user = ctx.user;
  if (!user?.enabled) return sendError(res, realm, 'Account is disabled, contact your administrator.');
  updateUserLocale(res, ctx, user);
  const [next] = pendingRequiredActions(ctx, user);
  if (next) {
    res.redirect(302, loginActionsUrl(ctx.request.baseUrl, realm, 'required-action', authSession, { execution: next }));
    return;
  }
  return finish(res, ctx);
};
