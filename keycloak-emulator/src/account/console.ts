/**
 * `/realms/{r}/account`: a small account console. It signs the person in through the realm's
 * `account-console` client (public, PKCE S256) like Keycloak's console does, then shows the "Signing in"
 * page: the user's authenticator devices, "Set up authenticator application"
 * (`kc_action=CONFIGURE_TOTP`), "Delete" per device (`kc_action=delete_credential:<id>`) and "Sign out".
 * The console redeems the authorization code itself (no tokens reach the browser) and remembers the SSO
 * session in a cookie of its own, signed like the identity cookie. Keycloak's console is a single-page
 * application: tests that must hold on a real Keycloak use the Account REST API and the kc_action URLs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { cookieOf, identityCookie } from '../login/cookies.js';
import { queryOf, realmOf, sendError, sendPage } from '../login/http.js';
import { realmTitleOf } from '../login/pages.js';
import { baseUrlOf } from '../oidc/base-url.js';
import type { RealmModel, UserModel } from '../state/model.js';
import type { EmulatorState } from '../state/store.js';
import { signingInPage } from './pages.js';

const CLIENT_ID = 'account-console';
const CONSOLE_COOKIE = 'KC_ACCOUNT_CONSOLE';
const PKCE_COOKIE = 'KC_ACCOUNT_CONSOLE_PKCE';
/** the actions the console starts; `delete_credential` takes the credential id after a colon */
const CONSOLE_ACTION = /^(CONFIGURE_TOTP|delete_credential:[\w-]{1,64})$/;

const realmPath = (realm: RealmModel) => `/realms/${encodeURIComponent(realm.name)}`;
const consolePath = (realm: RealmModel) => `${realmPath(realm)}/account`;
const consoleUrl = (req: Request, realm: RealmModel) => `${baseUrlOf(req)}${consolePath(realm)}/`;

const cookieOptions = (realm: RealmModel) => ({ path: consolePath(realm), httpOnly: true, sameSite: 'lax' as const });

/** Redirects to the authorization endpoint with a fresh PKCE pair and state, kept in a cookie for the return. */
const startAuthorization = (req: Request, res: Response, realm: RealmModel, kcAction?: string) => {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  res.cookie(PKCE_COOKIE, `${state}.${verifier}`, cookieOptions(realm));
  const params = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: consoleUrl(req, realm),
    response_type: 'code',
    scope: 'openid',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(kcAction ? { kc_action: kcAction } : {}),
  });
  res.redirect(302, `${baseUrlOf(req)}${realmPath(realm)}/protocol/openid-connect/auth?${params}`);
};

/** The SSO session the console cookie names, if it still runs and the console joined it. */
const consoleSessionOf = (req: Request, realm: RealmModel) => {
  const value = cookieOf(req, CONSOLE_COOKIE) ?? '';
  const sessionId = value.split('.')[0] ?? '';
  if (!sessionId || identityCookie(realm, sessionId) !== value) return undefined;
  const session = realm.sessions.get(sessionId);
  return session?.clients.has(CLIENT_ID) ? session : undefined;
};

/**
 * Redeems the code of the console's own authorization request, as the token endpoint would: once, for
 * this client and redirect, with the PKCE verifier of the state it sent. Answers the session id.
 */
const redeemCode = (req: Request, realm: RealmModel, q: Record<string, string>): string | undefined => {
  const [state = '', verifier = ''] = (cookieOf(req, PKCE_COOKIE) ?? '').split('.');
  const grant = q.code ? realm.authCodes.get(q.code) : undefined;
  if (!grant || !state || q.state !== state) return undefined;
  realm.authCodes.delete(grant.code);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const valid =
    grant.clientId === CLIENT_ID &&
    grant.redirectUri === consoleUrl(req, realm) &&
    grant.expiresAt > Date.now() &&
    grant.codeChallenge === challenge;
  return valid ? grant.sessionId : undefined;
};

const showConsole = (req: Request, res: Response, realm: RealmModel, user: UserModel) => {
  const base = `${baseUrlOf(req)}${consolePath(realm)}`;
  const status = queryOf(req).kc_action_status;
  const devices = user.credentials
    .filter((c) => c.type === 'otp')
    .map((c) => ({ id: c.id, label: c.userLabel ?? 'OTP device', createdDate: c.createdDate }));
  sendPage(
    res,
    signingInPage({
      realmTitle: realmTitleOf(realm),
      username: user.username,
      devices,
      setUpUrl: `${base}/aia?${new URLSearchParams({ kc_action: 'CONFIGURE_TOTP' })}`,
      deleteUrl: (id) => `${base}/aia?${new URLSearchParams({ kc_action: `delete_credential:${id}` })}`,
      signOutUrl: `${base}/sign-out`,
      ...(status ? { status } : {}),
    }),
  );
};

const consolePage = (state: EmulatorState) => (req: Request, res: Response) => {
  const realm = realmOf(state, req);
  const q = queryOf(req);
  if (q.error) return sendError(res, realm, q.error_description ?? q.error);
  if (q.code) {
    const sessionId = redeemCode(req, realm, q);
    res.clearCookie(PKCE_COOKIE, cookieOptions(realm));
    if (!sessionId) return startAuthorization(req, res, realm);
    res.cookie(CONSOLE_COOKIE, identityCookie(realm, sessionId), cookieOptions(realm));
    const status = q.kc_action_status ? `?${new URLSearchParams({ kc_action_status: q.kc_action_status })}` : '';
    return res.redirect(302, `${consoleUrl(req, realm)}${status}`);
  }
  const session = consoleSessionOf(req, realm);
  const user = session ? realm.users.get(session.userId) : undefined;
  if (!user?.enabled) return startAuthorization(req, res, realm);
  showConsole(req, res, realm, user);
};

export const accountConsoleRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.get('/account', consolePage(state));
  router.get('/account/aia', (req, res) => {
    const realm = realmOf(state, req);
    const action = queryOf(req).kc_action ?? '';
    if (!CONSOLE_ACTION.test(action)) return sendError(res, realm, 'Invalid Request');
    startAuthorization(req, res, realm, action);
  });
  router.get('/account/sign-out', (req, res) => {
    const realm = realmOf(state, req);
    res.clearCookie(CONSOLE_COOKIE, cookieOptions(realm));
    const params = new URLSearchParams({ client_id: CLIENT_ID, post_logout_redirect_uri: consoleUrl(req, realm) });
    res.redirect(302, `${baseUrlOf(req)}${realmPath(realm)}/protocol/openid-connect/logout?${params}`);
  });
  return router;
};
