/**
 * Offline sessions (scope `offline_access`): Keycloak keeps them apart from the online sessions, under the
 * id of the online session they came from, with a client session per client that holds an offline token
 * (TokenManager, UserSessionManager#createOrUpdateOfflineSession, #revokeOfflineToken). Ending the online
 * session leaves them; only their own removal or the user's not-before stops their refresh tokens.
 */
import { oauthError } from '../http/errors.js';
import type { ClientModel, ClientScopeModel, RealmModel, SessionModel, UserModel } from '../state/model.js';
import { tokenRoles } from './claims.js';

export const OFFLINE_ACCESS = 'offline_access';

/** The token request asked for an offline token: the `offline_access` scope is among the applied ones. */
export const offlineRequested = (scopes: ClientScopeModel[]) => scopes.some((s) => s.name === OFFLINE_ACCESS);

/**
 * The offline session for this client's token, made from the online one on the first offline token
 * (OfflineTokenUtils#isOfflineTokenAllowed: the token's roles must reach the realm role `offline_access`).
 */
export const offlineSessionFor = (
  ctx: { realm: RealmModel; client: ClientModel; user: UserModel; session: SessionModel },
  scopes: ClientScopeModel[],
): SessionModel => {
  const { realm, client, session } = ctx;
  const allowed = tokenRoles(ctx, scopes).some((r) => !r.clientRole && r.name === OFFLINE_ACCESS);
  if (!allowed) throw oauthError(400, 'not_allowed', 'Offline tokens not allowed for the user or client');
  const now = Date.now();
  const offline = realm.offlineSessions.get(session.id) ?? { ...session, started: now, clients: new Map() };
  offline.clients.set(client.clientId, now);
  offline.lastAccess = now;
  realm.offlineSessions.set(offline.id, offline);
  return offline;
};

/** The user's offline sessions. */
export const offlineSessionsOf = (realm: RealmModel, userId: string) =>
  [...realm.offlineSessions.values()].filter((s) => s.userId === userId);

/** Removes one client's offline tokens of a user; a session left without clients goes. True when any went. */
export const revokeOfflineTokens = (realm: RealmModel, userId: string, clientId: string): boolean => {
  let revoked = false;
  for (const session of offlineSessionsOf(realm, userId)) {
    if (!session.clients.delete(clientId)) continue;
    revoked = true;
    if (session.clients.size === 0) realm.offlineSessions.delete(session.id);
  }
  return revoked;
};
