/**
 * Signing in: the authorization endpoint starts a browser login for a client, and
 * `login-actions/authenticate` carries its forms (username/password, OTP) through the browser flow.
 */
import express, { type Request, type Response, Router } from 'express';
import { baseUrlOf } from '../oidc/base-url.js';
import type { ClientModel, RealmModel } from '../state/model.js';
import { clientByClientId, type EmulatorState } from '../state/store.js';
import { currentAuthSession, newAuthSession, postedOf, rootIdOf } from './auth-sessions.js';
import { CLIENT_REQUESTED } from './context.js';
import { queryOf, realmOf, sendError, TIMED_OUT } from './http.js';
import { contextFor, proceed } from './journey.js';
import { loaNotesOf } from './loa.js';
import { redirectUriAllowed } from './redirect.js';

const STANDARD_FLOW_REFUSED =
  'Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client.';

/** Why Keycloak refuses an authorization request it can answer by redirect: [error, description]. */
const refusal = (client: ClientModel, q: Record<string, string>): [string, string] | undefined => {
  if (q.response_type !== 'code') return ['unsupported_response_type', STANDARD_FLOW_REFUSED];
  if (!client.standardFlowEnabled) return ['unauthorized_client', STANDARD_FLOW_REFUSED];
  const requiredMethod = client.attributes['pkce.code.challenge.method'];
  if (q.code_challenge_method && !['S256', 'plain'].includes(q.code_challenge_method)) {
    return ['invalid_request', 'Invalid parameter: code challenge method is not supported.'];
  }
  if (requiredMethod && !q.code_challenge) return ['invalid_request', 'Missing parameter: code_challenge_method'];
  if (requiredMethod && (q.code_challenge_method ?? 'plain') !== requiredMethod) {
    return ['invalid_request', 'Invalid parameter: code challenge method is not matching the configured one'];
  }
  return undefined;
};

const redirectError = (res: Response, q: Record<string, string>, [error, description]: [string, string]) => {
  const target = new URL(q.redirect_uri as string);
  target.searchParams.set('error', error);
  target.searchParams.set('error_description', description);
  if (q.state) target.searchParams.set('state', q.state);
  res.redirect(302, target.toString());
};

const startLogin = (req: Request, res: Response, realm: RealmModel, client: ClientModel, q: Record<string, string>) => {
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
  Object.assign(authSession.notes, loaNotesOf(realm, client, q));
  if (q.ui_locales) authSession.notes[CLIENT_REQUESTED] = q.ui_locales;
  // An application-initiated action (the account console's "Set up authenticator application"):
  // the action runs after sign-in even when the user has it not pending.
  // `delete_credential:<id>` names the action and its parameter (Keycloak's KC_ACTION_PARAMETER).
  const [alias = '', parameter] = (q.kc_action ?? '').split(/:(.*)/s);
  const action = alias ? realm.requiredActions.get(alias) : undefined;
  if (action?.enabled) {
    authSession.requiredActions.add(action.alias);
    authSession.notes.kcAction = action.alias;
    if (parameter) authSession.notes.kcActionParameter = parameter;
  }
  return authSession;
};

export const signInRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  router.get('/protocol/openid-connect/auth', async (req, res) => {
    const realm = realmOf(state, req);
    const q = queryOf(req);
    const client = q.client_id ? clientByClientId(realm, q.client_id) : undefined;
    if (!client) return sendError(res, realm, 'Client not found.');
    if (!client.enabled) return sendError(res, realm, 'Client disabled.');
    if (!q.redirect_uri || !redirectUriAllowed(client, q.redirect_uri, baseUrlOf(req))) {
      return sendError(res, realm, 'Invalid parameter: redirect_uri');
    }
    const refused = refusal(client, q);
    if (refused) return redirectError(res, q, refused);
    const authSession = startLogin(req, res, realm, client, q);
    req.query.tab_id = authSession.tabId;
    await proceed(res, contextFor(state, req, realm, authSession));
  });

  const authenticate = async (req: Request, res: Response) => {
    const realm = realmOf(state, req);
    const authSession = currentAuthSession(req, realm);
    if (!authSession) return sendError(res, realm, TIMED_OUT);
    await proceed(res, contextFor(state, req, realm, authSession, postedOf(req)));
  };
  router.get('/login-actions/authenticate', authenticate);
  router.post('/login-actions/authenticate', form, authenticate);
  return router;
};
