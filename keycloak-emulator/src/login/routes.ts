/**
 * The browser side of the emulator: the authorization endpoint, the login-actions pages (flows,
 * required actions, "Forgot Password?", action-token links), logout, userinfo, and the
 * authorization_code grant with PKCE.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { recordEvent } from '../events/recorder.js';
import { oauthError } from '../http/errors.js';
import { realmKeys } from '../oidc/keys.js';
import { baseUrlOf, type GrantHandler, startSession } from '../oidc/routes.js';
import { issueTokens, verifyAccessToken } from '../oidc/tokens.js';
import type { AuthSessionModel, ClientModel, RealmModel } from '../state/model.js';
import { clientByClientId, type EmulatorState, flowByAlias } from '../state/store.js';
import { consumeActionToken } from './action-tokens.js';
import { authenticators } from './authenticators.js';
import { recordLoginSuccess } from './brute-force.js';
import { LoginContext, type LoginRequest, loginActionsUrl, type Outcome } from './context.js';
import { FlowEngine } from './flow-engine.js';
import { errorPage, infoPage, logoutConfirmPage } from './pages.js';
import { redirectUriAllowed } from './redirect.js';
import { completeRequiredAction, pendingRequiredActions, requiredActionHandlers } from './required-actions.js';

const engine = new FlowEngine(authenticators);

const AUTH_SESSION_COOKIE = 'AUTH_SESSION_ID';
const IDENTITY_COOKIE = 'KEYCLOAK_IDENTITY';
const TIMED_OUT = 'Your login attempt timed out. Login will start from the beginning.';

const parseCookies = (header: string | undefined): Record<string, string> => {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies[part.slice(0, index).trim()] = decodeURIComponent(part.slice(index + 1).trim());
  }
  return cookies;
};

const cookiePath = (realm: RealmModel) => `/realms/${encodeURIComponent(realm.name)}/`;

/** The identity cookie names the SSO session and is signed, so it cannot be forged. */
const identityCookie = (realm: RealmModel, sessionId: string) =>
  `${sessionId}.${createHmac('sha256', realmKeys(realm).hmacSecret).update(sessionId).digest('base64url')}`;

const ssoSessionFromCookie = (realm: RealmModel, value: string | undefined): string | undefined => {
  if (!value) return undefined;
  const [sessionId = '', signature = ''] = value.split('.');
  const expected = identityCookie(realm, sessionId).split('.')[1] ?? '';
  if (signature.length !== expected.length) return undefined;
  return timingSafeEqual(Buffer.from(signature), Buffer.from(expected)) ? sessionId : undefined;
};

const realmTitle = (realm: RealmModel) => String(realm.settings.displayName || realm.name);

const query = (req: Request): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') out[key] = value;
  return out;
};

const sendPage = (res: Response, html: string, status = 200) => {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store, must-revalidate, max-age=0',
      'X-Frame-Options': 'SAMEORIGIN',
      'Content-Security-Policy': "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    })
    .send(html);
};

const sendError = (res: Response, realm: RealmModel, message: string, status = 400) =>
  sendPage(res, errorPage({ realmTitle: realmTitle(realm), message }), status);

export const loginRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const realmOf = (req: Request) => state.realm(String(req.params.realm));

  const rootIdOf = (req: Request, res: Response, realm: RealmModel) => {
    const existing = parseCookies(req.headers.cookie)[AUTH_SESSION_COOKIE];
    if (existing) return existing;
    const rootId = randomUUID();
    res.cookie(AUTH_SESSION_COOKIE, rootId, { path: cookiePath(realm), httpOnly: true, sameSite: 'lax' });
    return rootId;
  };

  const newAuthSession = (
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
  const currentAuthSession = (req: Request, realm: RealmModel): AuthSessionModel | undefined => {
    const tabId = String(req.query.tab_id ?? '');
    const session = realm.authSessions.get(tabId);
    const rootId = parseCookies(req.headers.cookie)[AUTH_SESSION_COOKIE];
    const lifespan = Number(realm.settings.accessCodeLifespanLogin ?? 1800) * 1000;
    if (!session || session.rootId !== rootId || Date.now() - session.createdAt > lifespan) return undefined;
    return session;
  };

  const contextFor = (
    req: Request,
    realm: RealmModel,
    authSession: AuthSessionModel,
    posted?: LoginRequest['posted'],
  ) => {
    const baseUrl = baseUrlOf(req);
    const request: LoginRequest = {
      state,
      realm,
      authSession,
      baseUrl,
      ipAddress: req.ip ?? '127.0.0.1',
      query: query(req),
      engine,
      ssoSessionId: ssoSessionFromCookie(realm, parseCookies(req.headers.cookie)[IDENTITY_COOKIE]),
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

  /** Moves a login forward: the flow until it needs the user, then required actions, then the finish. */
  const proceed = async (res: Response, ctx: LoginContext): Promise<void> => {
    const { realm, authSession } = ctx;
    if (authSession.notes.flowDone !== 'true') {
      const binding = authSession.flow === 'reset-credentials' ? 'resetCredentialsFlow' : 'browserFlow';
      const flow = flowByAlias(realm, String(realm.settings[binding]));
      if (!flow) return sendError(res, realm, 'An error occurred, please login again through your application.', 500);
      const outcome: Outcome = await engine.runFlow(ctx, flow.id);
      if (outcome.kind === 'challenge' || outcome.kind === 'failure')
        return sendPage(res, outcome.html, outcome.status);
      if (outcome.kind === 'attempted' || !ctx.user) return sendError(res, realm, 'Invalid username or password.');
      authSession.notes.flowDone = 'true';
    }
    const user = ctx.user;
    if (!user?.enabled) return sendError(res, realm, 'Account is disabled, contact your administrator.');
    const [next] = pendingRequiredActions(ctx, user);
    if (next) {
      res.redirect(
        302,
        loginActionsUrl(ctx.request.baseUrl, realm, 'required-action', authSession, { execution: next }),
      );
      return;
    }
    return finish(res, ctx);
  };

  const finish = (res: Response, ctx: LoginContext) => {
    const { realm, authSession } = ctx;
    const user = ctx.user;
    if (!user) return sendError(res, realm, TIMED_OUT);
    realm.authSessions.delete(authSession.tabId);
    if (authSession.flow === 'actions') {
      ctx.event('EXECUTE_ACTIONS', {
        details: { required_actions: [...(authSession.notes.actions ?? '').split(',')].join(',') },
      });
      const link = authSession.redirectUri
        ? { href: authSession.redirectUri, text: '« Back to Application' }
        : undefined;
      return sendPage(
        res,
        infoPage({ realmTitle: ctx.realmTitle, message: 'Your account has been updated.', ...(link ? { link } : {}) }),
      );
    }
    recordLoginSuccess(realm, user);
    if (authSession.flow === 'reset-credentials') ctx.event('RESET_PASSWORD');
    const client = clientByClientId(realm, authSession.clientId);
    const existing = authSession.notes.ssoReused ? realm.sessions.get(authSession.notes.ssoReused) : undefined;
    const session =
      existing?.userId === user.id
        ? existing
        : startSession(
            realm,
            user,
            client ?? ({ clientId: authSession.clientId } as ClientModel),
            ctx.request.ipAddress,
          );
    session.clients.set(authSession.clientId, Date.now());
    session.lastAccess = Date.now();
    res.cookie(IDENTITY_COOKIE, identityCookie(realm, session.id), {
      path: cookiePath(realm),
      httpOnly: true,
      sameSite: 'lax',
    });
    res.cookie('KEYCLOAK_SESSION', `${realm.name}/${user.id}/${session.id}`, {
      path: cookiePath(realm),
      sameSite: 'lax',
    });
    ctx.event('LOGIN', { details: { consent: 'no_consent_required' } });
    if (!authSession.redirectUri) {
      return sendPage(res, infoPage({ realmTitle: ctx.realmTitle, message: 'Your account has been updated.' }));
    }
    const code = randomBytes(24).toString('base64url');
    realm.authCodes.set(code, {
      code,
      sessionId: session.id,
      userId: user.id,
      clientId: authSession.clientId,
      redirectUri: authSession.redirectUri,
      ...(authSession.scope ? { scope: authSession.scope } : {}),
      ...(authSession.nonce ? { nonce: authSession.nonce } : {}),
      ...(authSession.codeChallenge
        ? { codeChallenge: authSession.codeChallenge, codeChallengeMethod: authSession.codeChallengeMethod ?? 'plain' }
        : {}),
      expiresAt: Date.now() + Number(realm.settings.accessCodeLifespan ?? 60) * 1000,
    });
    const target = new URL(authSession.redirectUri);
    if (authSession.state) target.searchParams.set('state', authSession.state);
    target.searchParams.set('session_state', session.id);
    target.searchParams.set('iss', `${ctx.request.baseUrl}/realms/${realm.name}`);
    target.searchParams.set('code', code);
    if (authSession.notes.kcAction) target.searchParams.set('kc_action_status', 'success');
    res.redirect(302, target.toString());
  };

  router.get('/protocol/openid-connect/auth', async (req, res) => {
    const realm = realmOf(req);
    const q = query(req);
    const client = q.client_id ? clientByClientId(realm, q.client_id) : undefined;
    if (!client) return sendError(res, realm, 'Client not found.');
    if (!client.enabled) return sendError(res, realm, 'Client disabled.');
    const baseUrl = baseUrlOf(req);
    if (!q.redirect_uri || !redirectUriAllowed(client, q.redirect_uri, baseUrl)) {
      return sendError(res, realm, 'Invalid parameter: redirect_uri');
    }
    const redirectError = (error: string, description: string) => {
      const target = new URL(q.redirect_uri as string);
      target.searchParams.set('error', error);
      target.searchParams.set('error_description', description);
      if (q.state) target.searchParams.set('state', q.state);
      res.redirect(302, target.toString());
    };
    if (q.response_type !== 'code')
      return redirectError(
        'unsupported_response_type',
        'Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client.',
      );
    if (!client.standardFlowEnabled)
      return redirectError(
        'unauthorized_client',
        'Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client.',
      );
    const requiredMethod = client.attributes['pkce.code.challenge.method'];
    if (q.code_challenge_method && !['S256', 'plain'].includes(q.code_challenge_method)) {
      return redirectError('invalid_request', 'Invalid parameter: code challenge method is not supported.');
    }
    if (requiredMethod && !q.code_challenge)
      return redirectError('invalid_request', 'Missing parameter: code_challenge_method');
    if (requiredMethod && (q.code_challenge_method ?? 'plain') !== requiredMethod) {
      return redirectError(
        'invalid_request',
        'Invalid parameter: code challenge method is not matching the configured one',
      );
    }
    const authSession = newAuthSession(realm, rootIdOf(req, res, realm), {
      clientId: client.clientId,
      flow: 'browser',
      redirectUri: q.redirect_uri,
      ...(q.state ? { state: q.state } : {}),
      ...(q.nonce ? { nonce: q.nonce } : {}),
      ...(q.scope ? { scope: q.scope } : {}),
      ...(q.code_challenge
        ? { codeChallenge: q.code_challenge, codeChallengeMethod: q.code_challenge_method ?? 'plain' }
        : {}),
    });
    // An application-initiated action (the account console's "Set up authenticator application"):
    // the action runs after sign-in even when the user has it not pending.
    const action = q.kc_action ? realm.requiredActions.get(q.kc_action) : undefined;
    if (action?.enabled) {
      authSession.requiredActions.add(action.alias);
      authSession.notes.kcAction = action.alias;
    }
    req.query.tab_id = authSession.tabId;
    await proceed(res, contextFor(req, realm, authSession));
  });

  const handleFlowPost = async (req: Request, res: Response) => {
    const realm = realmOf(req);
    const authSession = currentAuthSession(req, realm);
    if (!authSession) return sendError(res, realm, TIMED_OUT);
    const posted =
      req.method === 'POST'
        ? { executionId: String(req.query.execution ?? ''), form: req.body as Record<string, string> }
        : undefined;
    await proceed(res, contextFor(req, realm, authSession, posted));
  };
  router.get('/login-actions/authenticate', handleFlowPost);
  router.post('/login-actions/authenticate', form, handleFlowPost);

  /** "Forgot Password?": switches the tab's login to the reset-credentials flow (or starts one). */
  const handleReset = async (req: Request, res: Response) => {
    const realm = realmOf(req);
    if (realm.settings.resetPasswordAllowed !== true) return sendError(res, realm, 'Resetting password is disabled.');
    let authSession = currentAuthSession(req, realm);
    if (req.method === 'GET' && !req.query.execution) {
      const clientId = String(req.query.client_id ?? 'account-console');
      if (!clientByClientId(realm, clientId)) return sendError(res, realm, 'Client not found.');
      const fields = authSession
        ? {
            clientId: authSession.clientId,
            redirectUri: authSession.redirectUri,
            state: authSession.state,
            nonce: authSession.nonce,
            scope: authSession.scope,
            codeChallenge: authSession.codeChallenge,
            codeChallengeMethod: authSession.codeChallengeMethod,
          }
        : { clientId };
      if (authSession) realm.authSessions.delete(authSession.tabId);
      const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as typeof fields;
      authSession = newAuthSession(realm, rootIdOf(req, res, realm), { ...clean, flow: 'reset-credentials' });
      req.query.tab_id = authSession.tabId;
    }
    if (!authSession) return sendError(res, realm, TIMED_OUT);
    const posted =
      req.method === 'POST'
        ? { executionId: String(req.query.execution ?? ''), form: req.body as Record<string, string> }
        : undefined;
    await proceed(res, contextFor(req, realm, authSession, posted));
  };
  router.get('/login-actions/reset-credentials', handleReset);
  router.post('/login-actions/reset-credentials', form, handleReset);

  const handleRequiredAction = async (req: Request, res: Response) => {
    const realm = realmOf(req);
    const authSession = currentAuthSession(req, realm);
    if (authSession?.notes.flowDone !== 'true') return sendError(res, realm, TIMED_OUT);
    const posted =
      req.method === 'POST'
        ? { executionId: String(req.query.execution ?? ''), form: req.body as Record<string, string> }
        : undefined;
    const ctx = contextFor(req, realm, authSession, posted);
    const user = ctx.user;
    if (!user) return sendError(res, realm, TIMED_OUT);
    const [current] = pendingRequiredActions(ctx, user);
    if (!current) return finish(res, ctx);
    const handler = requiredActionHandlers[current];
    if (!handler) return finish(res, ctx);
    if (req.query.execution !== current) {
      res.redirect(
        302,
        loginActionsUrl(ctx.request.baseUrl, realm, 'required-action', authSession, { execution: current }),
      );
      return;
    }
    if (!posted) return sendPage(res, await handler.render(ctx, user));
    const result = await handler.process(ctx, user);
    if (!result.done) return sendPage(res, result.html, result.status);
    completeRequiredAction(ctx, user, current);
    await proceed(res, ctx);
  };
  router.get('/login-actions/required-action', handleRequiredAction);
  router.post('/login-actions/required-action', form, handleRequiredAction);

  router.get('/login-actions/action-token', async (req, res) => {
    const realm = realmOf(req);
    const check = consumeActionToken(realm, String(req.query.key ?? ''));
    if (!check.ok) {
      recordEvent(realm, {
        type: 'EXECUTE_ACTION_TOKEN_ERROR',
        ipAddress: req.ip ?? '',
        error: check.reason === 'expired' ? 'expired_code' : 'invalid_code',
      });
      return sendError(
        res,
        realm,
        check.reason === 'expired'
          ? 'Action expired. Please start again.'
          : 'This action is no longer valid. It may have expired or been used already.',
      );
    }
    const { claims } = check;
    const user = realm.users.get(claims.sub);
    if (!user) return sendError(res, realm, 'User not found.');
    if (!user.enabled) return sendError(res, realm, 'Account is disabled, contact your administrator.');
    const rootId = rootIdOf(req, res, realm);

    if (claims.typ === 'verify-email') {
      if (claims.eml && claims.eml !== user.email)
        return sendError(res, realm, 'This action is no longer valid. It may have expired or been used already.');
      user.emailVerified = true;
      user.requiredActions = user.requiredActions.filter((a) => a !== 'VERIFY_EMAIL');
      recordEvent(realm, {
        type: 'VERIFY_EMAIL',
        clientId: claims.azp,
        userId: user.id,
        ipAddress: req.ip ?? '',
        details: { email: user.email ?? '' },
      });
      return sendPage(
        res,
        infoPage({ realmTitle: realmTitle(realm), message: 'Your email address has been verified.' }),
      );
    }

    let authSession: AuthSessionModel;
    if (claims.typ === 'reset-credentials') {
      const original = claims.asid ? realm.authSessions.get(claims.asid) : undefined;
      const base = original && original.rootId === rootId ? original : undefined;
      if (base) realm.authSessions.delete(base.tabId);
      authSession = newAuthSession(realm, rootId, {
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
    } else {
      authSession = newAuthSession(realm, rootId, {
        clientId: claims.azp,
        flow: 'actions',
        userId: user.id,
        requiredActions: new Set(claims.rda ?? []),
        ...(claims.reduri ? { redirectUri: claims.reduri } : {}),
      });
      authSession.notes.flowDone = 'true';
      authSession.notes.actions = (claims.rda ?? []).join(',');
    }
    req.query.tab_id = authSession.tabId;
    const ctx = contextFor(req, realm, authSession);
    ctx.event('EXECUTE_ACTION_TOKEN', { details: { action: claims.typ } });
    await proceed(res, ctx);
  });

  /** The confirmation code of the logout page, bound to the SSO session it would end. */
  const logoutCode = (realm: RealmModel, sessionId: string) =>
    createHmac('sha256', realmKeys(realm).hmacSecret).update(`logout:${sessionId}`).digest('base64url');

  const logout = (req: Request, res: Response) => {
    const realm = realmOf(req);
    const params = { ...query(req), ...((req.body ?? {}) as Record<string, string>) };
    const sessionId = ssoSessionFromCookie(realm, parseCookies(req.headers.cookie)[IDENTITY_COOKIE]);
    const session = sessionId ? realm.sessions.get(sessionId) : undefined;
    const confirmed = req.path.endsWith('/logout-confirm');
    // Without an id_token_hint Keycloak asks the person before ending their session.
    if (session && !params.id_token_hint && !confirmed) {
      sendPage(
        res,
        logoutConfirmPage({
          realmTitle: realmTitle(realm),
          action: `${baseUrlOf(req)}/realms/${encodeURIComponent(realm.name)}/protocol/openid-connect/logout/logout-confirm`,
          fields: {
            session_code: logoutCode(realm, session.id),
            ...(params.client_id ? { client_id: params.client_id } : {}),
            ...(params.post_logout_redirect_uri ? { post_logout_redirect_uri: params.post_logout_redirect_uri } : {}),
            ...(params.state ? { state: params.state } : {}),
          },
        }),
      );
      return;
    }
    if (session && confirmed && params.session_code !== logoutCode(realm, session.id)) {
      sendPage(res, errorPage({ realmTitle: realmTitle(realm), message: 'Logout failed' }), 400);
      return;
    }
    if (session) {
      realm.sessions.delete(session.id);
      recordEvent(realm, {
        type: 'LOGOUT',
        userId: session.userId,
        sessionId: session.id,
        ipAddress: req.ip ?? '',
        ...(params.client_id ? { clientId: params.client_id } : {}),
      });
    }
    res.clearCookie(IDENTITY_COOKIE, { path: cookiePath(realm) });
    res.clearCookie('KEYCLOAK_SESSION', { path: cookiePath(realm) });
    const redirect = params.post_logout_redirect_uri;
    const client = params.client_id ? clientByClientId(realm, params.client_id) : undefined;
    if (redirect && client && redirectUriAllowed(client, redirect, baseUrlOf(req))) {
      const target = new URL(redirect);
      if (params.state) target.searchParams.set('state', params.state);
      res.redirect(302, target.toString());
      return;
    }
    sendPage(res, infoPage({ realmTitle: realmTitle(realm), message: 'You are logged out' }));
  };
  router.get('/protocol/openid-connect/logout', logout);
  router.post('/protocol/openid-connect/logout', form, logout);
  router.post('/protocol/openid-connect/logout/logout-confirm', form, logout);
  router.post('/protocol/openid-connect/logout', form, logout);

  router.get('/protocol/openid-connect/userinfo', (req, res) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const caller = token ? verifyAccessToken(state, token) : undefined;
    if (!caller || caller.realm !== realmOf(req)) {
      res
        .status(401)
        .set('WWW-Authenticate', `Bearer realm="${realmOf(req).name}", error="invalid_token"`)
        .json({ error: 'invalid_token', error_description: 'Token verification failed' });
      return;
    }
    const { claims } = caller;
    res.json({
      sub: claims.sub,
      ...Object.fromEntries(
        ['email_verified', 'name', 'preferred_username', 'given_name', 'family_name', 'email']
          .filter((k) => claims[k] !== undefined)
          .map((k) => [k, claims[k]]),
      ),
    });
  });

  return router;
};

const pkceMatches = (verifier: string, challenge: string, method: string) =>
  method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') === challenge : verifier === challenge;

/** The authorization_code grant: a code from this login router, once, with the PKCE verifier. */
export const authorizationCodeGrant: GrantHandler = ({ realm, client, baseUrl, ip, body }) => {
  const stored = body.code ? realm.authCodes.get(body.code) : undefined;
  if (body.code) realm.authCodes.delete(body.code);
  const fail = (description: string) => {
    recordEvent(realm, {
      type: 'CODE_TO_TOKEN_ERROR',
      clientId: client.clientId,
      ipAddress: ip,
      error: 'invalid_code',
    });
    return oauthError(400, 'invalid_grant', description);
  };
  if (!stored || stored.expiresAt < Date.now()) throw fail('Code not valid');
  if (stored.clientId !== client.clientId) throw fail('Code not valid');
  if (body.redirect_uri !== stored.redirectUri) throw fail('Incorrect redirect_uri');
  if (stored.codeChallenge) {
    if (!body.code_verifier) throw fail('PKCE verification failed: Code verifier not specified');
    if (!pkceMatches(body.code_verifier, stored.codeChallenge, stored.codeChallengeMethod ?? 'plain')) {
      throw fail('PKCE verification failed: Invalid code verifier');
    }
  }
  const session = realm.sessions.get(stored.sessionId);
  const user = realm.users.get(stored.userId);
  if (!session || !user) throw fail('Session not active');
  recordEvent(realm, {
    type: 'CODE_TO_TOKEN',
    clientId: client.clientId,
    userId: user.id,
    sessionId: session.id,
    ipAddress: ip,
    details: { grant_type: 'authorization_code', code_id: stored.code.slice(0, 8) },
  });
  return issueTokens({
    baseUrl,
    realm,
    client,
    user,
    session,
    ...(stored.scope ? { scope: stored.scope } : {}),
    ...(stored.nonce ? { nonce: stored.nonce } : {}),
  });
};
