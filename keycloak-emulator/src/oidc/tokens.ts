/**
 * Access, refresh and ID tokens as Keycloak 26 issues them, and the verification of access tokens
 * presented to the admin API.
 */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ClientModel, RealmModel, SessionModel, UserModel } from '../state/model.js';
import type { EmulatorState } from '../state/store.js';
import { appliedScopes, applyMappers, tokenScope } from './claims.js';
import { realmKeys } from './keys.js';
import { offlineRequested, offlineSessionFor } from './offline-sessions.js';

export const issuerOf = (baseUrl: string, realm: RealmModel) => `${baseUrl}/realms/${realm.name}`;

const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface TokenContext {
  baseUrl: string;
  realm: RealmModel;
  client: ClientModel;
  user: UserModel;
  /** absent for client-credentials grants, which Keycloak 26 serves from a transient session */
  session?: SessionModel;
  /** requested scope parameter */
  scope?: string;
  nonce?: string;
  clientAddress?: string;
}

export const issueTokens = (ctx: TokenContext) => {
  const { realm, client, user } = ctx;
  const keys = realmKeys(realm);
  const iat = nowSeconds();
  const lifespan = Number(realm.settings.accessTokenLifespan ?? 300);
  const iss = issuerOf(ctx.baseUrl, realm);
  // Claims beyond the fixed ones come from the protocol mappers of the applied client scopes.
  const scopes = appliedScopes(realm, client, ctx.scope);
  const scope = tokenScope(scopes, ctx.scope);
  // An offline token's refresh token names the offline session (same id), which outlives the online one.
  const offline = Boolean(ctx.session) && offlineRequested(scopes);
  const session = ctx.session && offline ? offlineSessionFor({ ...ctx, session: ctx.session }, scopes) : ctx.session;
  const claimContext = { realm, client, user, ...(session ? { session } : {}) };

  const access = applyMappers(claimContext, scopes, 'access', {
    exp: iat + lifespan,
    iat,
    jti: `${session ? 'onrtac' : 'trrtcc'}:${randomUUID()}`,
    iss,
    typ: 'Bearer',
    azp: client.clientId,
    ...(session ? { sid: session.id } : {}),
    scope,
    ...(user.serviceAccountClientId
      ? {
          clientHost: ctx.clientAddress ?? '127.0.0.1',
          clientAddress: ctx.clientAddress ?? '127.0.0.1',
          client_id: client.clientId,
        }
      : {}),
  });
  const accessToken = jwt.sign(access, keys.privateKey, { algorithm: 'RS256', keyid: keys.kid });

  const response: Record<string, unknown> = { access_token: accessToken, expires_in: lifespan };
  if (!session) {
    Object.assign(response, { refresh_expires_in: 0, token_type: 'Bearer', 'not-before-policy': 0, scope });
    return response;
  }
  const refreshLifespan = Number(
    offline ? (realm.settings.offlineSessionIdleTimeout ?? 2592000) : (realm.settings.ssoSessionIdleTimeout ?? 1800),
  );
  const refresh = {
    exp: iat + refreshLifespan,
    iat,
    jti: randomUUID(),
    iss,
    aud: iss,
    sub: user.id,
    typ: offline ? 'Offline' : 'Refresh',
    azp: client.clientId,
    sid: session.id,
    scope,
  };
  response.refresh_expires_in = refreshLifespan;
  response.refresh_token = jwt.sign(refresh, keys.hmacSecret, { algorithm: 'HS512', keyid: keys.hmacKid });
  response.token_type = 'Bearer';
  if (scope.split(' ').includes('openid')) {
    const id = applyMappers(claimContext, scopes, 'id', {
      exp: iat + lifespan,
      iat,
      ...(ctx.nonce ? { nonce: ctx.nonce } : {}),
      jti: randomUUID(),
      iss,
      aud: client.clientId,
      sub: user.id,
      typ: 'ID',
      azp: client.clientId,
      sid: session.id,
    });
    response.id_token = jwt.sign(id, keys.privateKey, { algorithm: 'RS256', keyid: keys.kid });
  }
  response['not-before-policy'] = 0;
  response.session_state = session.id;
  response.scope = scope;
  return response;
};

export interface RefreshClaims {
  sub: string;
  sid: string;
  azp: string;
  iat: number;
  /** an offline token, which names an offline session */
  offline: boolean;
  scope?: string;
}

/** Verifies a refresh token of this realm; undefined when it is not one. */
export const verifyRefreshToken = (realm: RealmModel, token: string): RefreshClaims | undefined => {
  try {
    const claims = jwt.verify(token, realmKeys(realm).hmacSecret, {
      algorithms: ['HS512'],
    }) as jwt.JwtPayload;
    const typ = claims.typ;
    if ((typ !== 'Refresh' && typ !== 'Offline') || typeof claims.sid !== 'string' || typeof claims.sub !== 'string')
      return undefined;
    return {
      sub: claims.sub,
      sid: claims.sid,
      azp: String(claims.azp),
      iat: Number(claims.iat ?? 0),
      offline: typ === 'Offline',
      scope: claims.scope as string | undefined,
    };
  } catch {
    return undefined;
  }
};

export interface AccessTokenCaller {
  realm: RealmModel;
  user: UserModel;
  client?: ClientModel;
  claims: jwt.JwtPayload;
}

/**
 * The caller behind a bearer access token, or undefined when Keycloak would answer 401: bad signature,
 * expired, not a Bearer token, unknown realm or user, disabled user, ended session, revoked by not-before.
 */
export const verifyAccessToken = (state: EmulatorState, token: string): AccessTokenCaller | undefined => {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload !== 'object' || decoded.header.alg !== 'RS256') return undefined;
  const iss = decoded.payload.iss;
  const realmName = typeof iss === 'string' ? /\/realms\/([^/]+)$/.exec(iss)?.[1] : undefined;
  const realm = realmName ? state.realms.get(decodeURIComponent(realmName)) : undefined;
  if (!realm) return undefined;
  let claims: jwt.JwtPayload;
  try {
    claims = jwt.verify(token, realmKeys(realm).publicKey, { algorithms: ['RS256'] }) as jwt.JwtPayload;
  } catch {
    return undefined;
  }
  if (claims.typ !== 'Bearer' || typeof claims.sub !== 'string') return undefined;
  const user = realm.users.get(claims.sub);
  if (!user?.enabled) return undefined;
  const iat = Number(claims.iat ?? 0);
  if (iat < user.notBefore || iat < Number(realm.settings.notBefore ?? 0)) return undefined;
  // A token refreshed from an offline session lives as long as that session (scope `offline_access`).
  const offlineSid = String(claims.scope ?? '')
    .split(' ')
    .includes('offline_access');
  const sessions = offlineSid ? realm.offlineSessions : realm.sessions;
  if (typeof claims.sid === 'string' && !sessions.has(claims.sid)) return undefined;
  let client: ClientModel | undefined;
  for (const c of realm.clients.values()) if (c.clientId === claims.azp) client = c;
  if (!client?.enabled) return undefined;
  return { realm, user, client, claims };
};
