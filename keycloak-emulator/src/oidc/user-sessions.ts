/** Who a login names and the SSO session it starts: shared by the password grant and the browser login. */
import { randomUUID } from 'node:crypto';
import type { ClientModel, RealmModel, SessionModel, UserModel } from '../state/model.js';

/** By username, or by email unless the realm turned `loginWithEmailAllowed` off; case-insensitive. */
export const findUserForLogin = (realm: RealmModel, usernameOrEmail: string): UserModel | undefined => {
  const name = usernameOrEmail.trim().toLowerCase();
  const byName = realm.usersByUsername.get(name);
  if (byName) return byName;
  if (realm.settings.loginWithEmailAllowed !== false) return realm.usersByEmail.get(name);
  return undefined;
};

/** The session's AUTH_TIME (epoch ms): its last sign-in that was not an SSO one, else its start. */
export const authTimeOf = (session: SessionModel) => session.authTime ?? session.started;

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
