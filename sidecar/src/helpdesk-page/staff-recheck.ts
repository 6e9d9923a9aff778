/**
 * Before a helpdesk write, the actor is asked about at Keycloak again, not taken from a token or a page
 * session that may be minutes old: the account is still enabled, still holds the helpdesk role (its
 * effective roles: direct, composite or through a group) and its Keycloak session (`sid`) has not ended.
 * Disabled, signed-out or role-less staff stop at the next write. Any lookup failure refuses (fail closed).
 */
import type { RequestHandler } from 'express';
import { type Caller, SAFE_METHODS } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import { unlessGone } from '../keycloak/errors.js';

export interface StaffRecheckOptions {
  keycloak: KeycloakConnection;
  realm: string;
  /** the realm role staff need (HELPDESK_ROLE) */
  role: string;
}

/** What Keycloak says now of the staff member behind a request; undefined = fine. */
export const staffStanding = async (options: StaffRecheckOptions, caller: Caller): Promise<ApiError | undefined> => {
  const { keycloak, realm, role } = options;
  const id = caller.userId;
  if (!caller.sid) return new ApiError(401, 'session_ended', 'Your sign-in names no Keycloak session; sign in again');
  const user = await unlessGone(keycloak.call('staffRecheckUser', (c) => c.users.findOne({ realm, id })));
  if (!user?.enabled) return new ApiError(401, 'staff_disabled', 'Your account is disabled or gone');
  const sessions = await keycloak.call('staffRecheckSessions', (c) => c.users.listSessions({ realm, id }));
  if (!sessions.some((s) => s.id === caller.sid))
    return new ApiError(401, 'session_ended', 'Your Keycloak session has ended; sign in again');
  const roles = await keycloak.call('staffRecheckRoles', (c) => c.users.listCompositeRealmRoleMappings({ realm, id }));
  if (!roles.some((r) => r.name === role))
    return new ApiError(403, 'forbidden', `Your account no longer holds the realm role ${role}`);
  return undefined;
};

/** Middleware for write routes, after requireRole (which puts the caller in res.locals). */
export const recheckStaffOnWrite =
  (options: StaffRecheckOptions): RequestHandler =>
  async (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const caller = res.locals.caller as Caller | undefined;
    if (!caller) return next(new ApiError(401, 'unauthorized', 'A valid access token of the realm is required'));
    try {
      const problem = await staffStanding(options, caller);
      return next(problem);
    } catch {
      return next(new ApiError(503, 'keycloak_unavailable', 'Keycloak could not confirm your account; try again'));
    }
  };
