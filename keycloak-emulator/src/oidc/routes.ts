/** OIDC endpoints: discovery, JWKS, and the token endpoint's grants. */
import { randomUUID } from 'node:crypto';
import express, { type Request, Router } from 'express';
import { recordEvent } from '../events/recorder.js';
import { oauthError } from '../http/errors.js';
import { passwordMatches } from '../state/credentials.js';
import type { ClientModel, RealmModel, UserModel } from '../state/model.js';
import { clientByClientId, type EmulatorState } from '../state/store.js';
import { jwks } from './keys.js';
import { issuerOf, issueTokens, verifyRefreshToken } from './tokens.js';

export const baseUrlOf = (req: Request) => `${req.protocol}://${req.get('host')}`;

interface ClientCredentials {
  clientId?: string;
  secret?: string;
}

const clientCredentialsOf = (req: Request): ClientCredentials => {
  const header = req.get('authorization');
  const basic = header && /^Basic\s+(.+)$/i.exec(header)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      const decode = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
      return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
    }
  }
  return { clientId: req.body?.client_id, secret: req.body?.client_secret };
};

/** Keycloak's client authentication: unknown client, bad secret and disabled client are 401s. */
const authenticateClient = (realm: RealmModel, req: Request): ClientModel => {
  const { clientId, secret } = clientCredentialsOf(req);
  if (!clientId) throw oauthError(400, 'invalid_client', 'Missing client_id parameter');
  const client = clientByClientId(realm, clientId);
  if (!client) throw oauthError(401, 'invalid_client', 'Invalid client or Invalid client credentials');
  if (!client.enabled) throw oauthError(401, 'invalid_client', 'Invalid client or Invalid client credentials');
  if (client.bearerOnly) throw oauthError(400, 'invalid_client', 'Bearer-only not allowed');
  if (!client.publicClient && (secret === undefined || secret !== client.secret)) {
    throw oauthError(401, 'unauthorized_client', 'Invalid client or Invalid client credentials');
  }
  return client;
};

export const findUserForLogin = (realm: RealmModel, usernameOrEmail: string): UserModel | undefined => {
  const name = usernameOrEmail.trim().toLowerCase();
  const byName = realm.usersByUsername.get(name);
  if (byName) return byName;
  if (realm.settings.loginWithEmailAllowed !== false) return realm.usersByEmail.get(name);
  return undefined;
};

export const startSession = (realm: RealmModel, user: UserModel, client: ClientModel, ipAddress: string) => {
  const now = Date.now();
  const session = {
    id: randomUUID(),
    userId: user.id,
    started: now,
    lastAccess: now,
    ipAddress,
    clients: new Map([[client.clientId, now]]),
  };
  realm.sessions.set(session.id, session);
  return session;
};

export const oidcRouter = (state: EmulatorState, extraGrants: Record<string, GrantHandler> = {}): Router => {
  const grants: Record<string, GrantHandler> = { ...builtinGrants, ...extraGrants };
  const router = Router({ mergeParams: true, caseSensitive: true });
  const realmOf = (req: Request) => state.realm(String(req.params.realm));

  router.get('/.well-known/openid-configuration', (req, res) => {
    const realm = realmOf(req);
    const issuer = issuerOf(baseUrlOf(req), realm);
    const oidc = `${issuer}/protocol/openid-connect`;
    res.json({
      issuer,
      authorization_endpoint: `${oidc}/auth`,
      token_endpoint: `${oidc}/token`,
      introspection_endpoint: `${oidc}/token/introspect`,
      userinfo_endpoint: `${oidc}/userinfo`,
      end_session_endpoint: `${oidc}/logout`,
      frontchannel_logout_session_supported: true,
      frontchannel_logout_supported: true,
      jwks_uri: `${oidc}/certs`,
      check_session_iframe: `${oidc}/login-status-iframe.html`,
      grant_types_supported: [
        'authorization_code',
        'client_credentials',
        'implicit',
        'password',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'urn:ietf:params:oauth:grant-type:uma-ticket',
        'urn:openid:params:grant-type:ciba',
      ],
      acr_values_supported: ['0', '1'],
      response_types_supported: [
        'code',
        'none',
        'id_token',
        'token',
        'id_token token',
        'code id_token',
        'code token',
        'code id_token token',
      ],
      subject_types_supported: ['public', 'pairwise'],
      prompt_values_supported: ['none', 'login', 'consent'],
      id_token_signing_alg_values_supported: ['RS256'],
      userinfo_signing_alg_values_supported: ['RS256', 'none'],
      request_object_signing_alg_values_supported: ['RS256', 'none'],
      response_modes_supported: ['query', 'fragment', 'form_post', 'query.jwt', 'fragment.jwt', 'form_post.jwt', 'jwt'],
      registration_endpoint: `${issuer}/clients-registrations/openid-connect`,
      token_endpoint_auth_methods_supported: [
        'private_key_jwt',
        'client_secret_basic',
        'client_secret_post',
        'tls_client_auth',
        'client_secret_jwt',
      ],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'HS256', 'HS512'],
      claims_supported: [
        'aud',
        'sub',
        'iss',
        'auth_time',
        'name',
        'given_name',
        'family_name',
        'preferred_username',
        'email',
        'acr',
      ],
      claim_types_supported: ['normal'],
      claims_parameter_supported: true,
      scopes_supported: [
        'openid',
        'profile',
        'email',
        'roles',
        'web-origins',
        'acr',
        'basic',
        'offline_access',
        'address',
        'phone',
        'microprofile-jwt',
        'organization',
      ],
      request_parameter_supported: true,
      request_uri_parameter_supported: true,
      require_request_uri_registration: true,
      code_challenge_methods_supported: ['plain', 'S256'],
      tls_client_certificate_bound_access_tokens: true,
      revocation_endpoint: `${oidc}/revoke`,
      revocation_endpoint_auth_methods_supported: [
        'private_key_jwt',
        'client_secret_basic',
        'client_secret_post',
        'tls_client_auth',
        'client_secret_jwt',
      ],
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
  });

  router.get('/protocol/openid-connect/certs', (req, res) => {
    res.json(jwks(realmOf(req)));
  });

  router.post('/protocol/openid-connect/token', express.urlencoded({ extended: false, limit: '64kb' }), (req, res) => {
    const realm = realmOf(req);
    const baseUrl = baseUrlOf(req);
    const ip = req.ip ?? '127.0.0.1';
    const grantType = req.body?.grant_type as string | undefined;
    if (!grantType) throw oauthError(400, 'invalid_request', 'Missing form parameter: grant_type');
    const handler = grants[grantType];
    if (!handler) throw oauthError(400, 'unsupported_grant_type', 'Unsupported grant_type');
    const client = authenticateClient(realm, req);
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    res.json(handler({ realm, client, baseUrl, ip, body: req.body as Record<string, string>, state }));
  });

  return router;
};

export interface GrantInput {
  state: EmulatorState;
  realm: RealmModel;
  client: ClientModel;
  baseUrl: string;
  ip: string;
  body: Record<string, string>;
}

export type GrantHandler = (input: GrantInput) => Record<string, unknown>;

const builtinGrants: Record<string, GrantHandler> = {
  password: ({ realm, client, baseUrl, ip, body }) => {
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
    const password = user.credentials.find((c) => c.type === 'password');
    if (!password || !passwordMatches(password, body.password ?? '')) {
      loginError('invalid_user_credentials', user.id);
      throw oauthError(401, 'invalid_grant', 'Invalid user credentials');
    }
    if (user.requiredActions.length > 0) throw oauthError(400, 'invalid_grant', 'Account is not fully set up');
    const session = startSession(realm, user, client, ip);
    recordEvent(realm, {
      type: 'LOGIN',
      clientId: client.clientId,
      userId: user.id,
      sessionId: session.id,
      ipAddress: ip,
      details: { auth_method: 'openid-connect', grant_type: 'password', username: user.username },
    });
    return issueTokens({ baseUrl, realm, client, user, session, scope: body.scope });
  },

  client_credentials: ({ realm, client, baseUrl, ip, body }) => {
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
    return issueTokens({
      baseUrl,
      realm,
      client,
      user: serviceAccount,
      scope: body.scope,
      clientAddress: ip,
    });
  },

  refresh_token: ({ realm, client, baseUrl, body }) => {
    const claims = body.refresh_token ? verifyRefreshToken(realm, body.refresh_token) : undefined;
    if (!claims) throw oauthError(400, 'invalid_grant', 'Invalid refresh token');
    if (claims.azp !== client.clientId)
      throw oauthError(400, 'invalid_grant', "Invalid refresh token. Token client and authorized client don't match");
    const session = realm.sessions.get(claims.sid);
    const user = realm.users.get(claims.sub);
    if (!session || !user) throw oauthError(400, 'invalid_grant', 'Session not active');
    if (!user.enabled) throw oauthError(400, 'invalid_grant', 'User disabled');
    session.lastAccess = Date.now();
    return issueTokens({ baseUrl, realm, client, user, session, scope: claims.scope });
  },
};
