/**
 * The token endpoint's grants: password (direct access), client_credentials (service accounts),
 * refresh_token, and authorization_code for the codes the browser login hands out, once, with PKCE.
 */
import { createHash } from 'node:crypto';
import { recordEvent } from '../events/recorder.js';
import { oauthError } from '../http/errors.js';
import { passwordMatches } from '../state/credentials.js';
import type { RealmModel, SessionModel, UserModel } from '../state/model.js';
import { executionsOf, flowByAlias } from '../state/store.js';
import type { GrantHandler, GrantInput } from './token-endpoint.js';
import { issueTokens, verifyRefreshToken } from './tokens.js';
import { findUserForLogin, startSession } from './user-sessions.js';

/** The event of a grant that gives a user's session tokens (LOGIN, CODE_TO_TOKEN). */
const recordSessionEvent = (
  { realm, client, ip }: GrantInput,
  type: string,
  user: UserModel,
  session: SessionModel,
  details: Record<string, string>,
) =>
  recordEvent(realm, {
    type,
    clientId: client.clientId,
    userId: user.id,
    sessionId: session.id,
    ipAddress: ip,
    details,
  });

/** The direct-grant flow's username and password executions, which a password grant has passed (for `amr`). */
const directGrantExecutionsPassed = (realm: RealmModel): string[] => {
  const flow = flowByAlias(realm, String(realm.settings.directGrantFlow ?? 'direct grant'));
  const passed = new Set(['direct-grant-validate-username', 'direct-grant-validate-password']);
  return flow
    ? executionsOf(realm, flow.id)
        .filter((e) => e.authenticator && passed.has(e.authenticator))
        .map((e) => e.id)
    : [];
};

const password: GrantHandler = (input) => {
  const { realm, client, baseUrl, ip, body } = input;
  if (!client.directAccessGrantsEnabled) {
    throw oauthError(400, 'unauthorized_client', 'Client not allowed for direct access grants');
  }
  if (!body.username) throw oauthError(401, 'invalid_request', 'Missing parameter: username');
  const user = findUserForLogin(realm, body.username);
  const loginError = (error: string, userId?: string) =>
    recordEvent(realm, {
      type: 'LOGIN_ERROR',
      clientId: client.clientId,
      ...(userId ? { userId } : {}),
      ipAddress: ip,
      error,
      details: { grant_type: 'password', auth_method: 'openid-connect', username: body.username ?? '' },
    });
  // Keycloak's direct grant answers an unknown user with 400 and a wrong password with 401.
  if (!user || user.serviceAccountClientId) {
    loginError('user_not_found');
    throw oauthError(400, 'invalid_grant', 'Invalid user credentials');
  }
  if (!user.enabled) {
    loginError('user_disabled', user.id);
    throw oauthError(400, 'invalid_grant', 'Account disabled');
  }
  const credential = user.credentials.find((c) => c.type === 'password');
  if (!credential || !passwordMatches(credential, body.password ?? '')) {
    loginError('invalid_user_credentials', user.id);
    throw oauthError(401, 'invalid_grant', 'Invalid user credentials');
  }
  if (user.requiredActions.length > 0) throw oauthError(400, 'invalid_grant', 'Account is not fully set up');
  const session: SessionModel = startSession(realm, user, client, ip);
  session.authenticatorsCompleted = directGrantExecutionsPassed(realm);
  recordSessionEvent(input, 'LOGIN', user, session, {
    auth_method: 'openid-connect',
    grant_type: 'password',
    username: user.username,
  });
  return issueTokens({ baseUrl, realm, client, user, session, scope: body.scope });
};

const clientCredentials: GrantHandler = ({ realm, client, baseUrl, ip, body }) => {
  const serviceAccount = client.serviceAccountUserId ? realm.users.get(client.serviceAccountUserId) : undefined;
  if (client.publicClient) {
    throw oauthError(401, 'unauthorized_client', 'Public client not allowed to retrieve service account');
  }
  if (!client.serviceAccountsEnabled || !serviceAccount) {
    throw oauthError(401, 'unauthorized_client', 'Client not enabled to retrieve service account');
  }
  if (!serviceAccount.enabled) throw oauthError(400, 'invalid_request', 'User associated with client is not enabled');
  recordEvent(realm, {
    type: 'CLIENT_LOGIN',
    clientId: client.clientId,
    userId: serviceAccount.id,
    ipAddress: ip,
    details: {
      grant_type: 'client_credentials',
      scope: 'profile email',
      client_auth_method: 'client-secret',
      username: serviceAccount.username,
    },
  });
  return issueTokens({ baseUrl, realm, client, user: serviceAccount, scope: body.scope, clientAddress: ip });
};

const refreshToken: GrantHandler = ({ realm, client, baseUrl, body }) => {
  const claims = body.refresh_token ? verifyRefreshToken(realm, body.refresh_token) : undefined;
  if (!claims) throw oauthError(400, 'invalid_grant', 'Invalid refresh token');
  if (claims.azp !== client.clientId)
    throw oauthError(400, 'invalid_grant', "Invalid refresh token. Token client and authorized client don't match");
  const session = (claims.offline ? realm.offlineSessions : realm.sessions).get(claims.sid);
  const user = realm.users.get(claims.sub);
  if (!session && claims.offline) throw oauthError(400, 'invalid_grant', 'Offline user session not found');
  if (!session || !user) throw oauthError(400, 'invalid_grant', 'Session not active');
  if (!user.enabled) throw oauthError(400, 'invalid_grant', 'User disabled');
  if (claims.offline && !session.clients.has(client.clientId))
    throw oauthError(400, 'invalid_grant', "Session doesn't have required client");
  // TokenManager's NotBeforeCheck: a user logout (`POST …/users/{id}/logout`) or a realm's not-before stales it.
  if (claims.iat < user.notBefore || claims.iat < Number(realm.settings.notBefore ?? 0))
    throw oauthError(400, 'invalid_grant', 'Stale token');
  session.lastAccess = Date.now();
  return issueTokens({ baseUrl, realm, client, user, session, scope: claims.scope });
};

const pkceMatches = (verifier: string, challenge: string, method: string) =>
  method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') === challenge : verifier === challenge;

/** A code the browser login handed out: used up by the first try, bound to its client, redirect and PKCE. */
const authorizationCode: GrantHandler = (input) => {
  const { realm, client, baseUrl, ip, body } = input;
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
  recordSessionEvent(input, 'CODE_TO_TOKEN', user, session, {
    grant_type: 'authorization_code',
    code_id: stored.code.slice(0, 8),
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

export const grants: Record<string, GrantHandler> = {
  password,
  client_credentials: clientCredentials,
  refresh_token: refreshToken,
  authorization_code: authorizationCode,
};
