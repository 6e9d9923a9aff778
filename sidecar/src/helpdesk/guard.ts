/**
 * The rules every helpdesk write passes before Keycloak is touched (issue 19): not one's own account, a
 * ticket in the configured format, a real reason, the per-staff hourly limit (counted in the store, so
 * replicas share it), protected accounts only for helpdesk admins (effective roles, privilege.ts), and for
 * device removals and resets the caller's identity proven by the emailed code (verification.ts).
 */
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import type { Caller } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import type { KeycloakRoles } from '../keycloak/roles.js';
import type { KeycloakUsers } from '../keycloak/users.js';
import type { SqlDatabase } from '../store/database.js';
import { type ProtectionRules, protectionOf } from './privilege.js';
import { countStaffWrite } from './records.js';
import { requireVerified, type VerificationProof } from './verification.js';

/** `sidecar.yaml` → `helpdesk`: the rules staff work under. */
export interface HelpdeskRules {
  ticketPattern: string;
  minReasonLength: number;
  writesPerStaffPerHour: number;
  fourEyesForProtected: boolean;
}

export interface GuardedRequest {
  reason: string;
  ticket?: string;
  verification?: VerificationProof;
}

export interface GuardOf {
  db: SqlDatabase;
  realm: string;
  users: KeycloakUsers;
  roles: KeycloakRoles;
  rules: HelpdeskRules;
  protection: ProtectionRules;
  adminRole: string;
}

export const refuseOwnAccount = (caller: Caller, target: UserRepresentation) => {
  if (caller.userId === target.id)
    throw new ApiError(403, 'forbidden', 'You cannot change your own sign-in through the helpdesk');
};

export const checkTicketAndReason = (rules: HelpdeskRules, request: GuardedRequest) => {
  if (!request.ticket || !new RegExp(rules.ticketPattern).test(request.ticket))
    throw new ApiError(400, 'ticket_required', `Give the ticket of this request (format ${rules.ticketPattern})`);
  if (request.reason.trim().length < rules.minReasonLength)
    throw new ApiError(400, 'reason_too_short', `Give a reason of at least ${rules.minReasonLength} characters`);
};

const checkRate = async ({ db, realm, rules }: GuardOf, caller: Caller) => {
  const allowed = await db.transaction((tx) => countStaffWrite(tx, realm, caller.userId, rules.writesPerStaffPerHour));
  if (!allowed)
    throw new ApiError(
      429,
      'rate_limited',
      `At most ${rules.writesPerStaffPerHour} helpdesk changes per hour per person; ask a colleague or wait`,
    );
};

/**
 * Runs the rules in order; returns why the target is protected (or undefined). Throws the refusal as an
 * ApiError, which the caller audits. `verify` says whether this write needs the caller's proof of identity.
 */
export const guardWrite = async (
  of: GuardOf,
  caller: Caller,
  target: UserRepresentation,
  request: GuardedRequest,
  verify: boolean,
): Promise<string | undefined> => {
  refuseOwnAccount(caller, target);
  checkTicketAndReason(of.rules, request);
  await checkRate(of, caller);
  const protectedBy = await protectionOf(of.users, of.roles, of.protection, target.id as string);
  if (protectedBy && !caller.roles.includes(of.adminRole))
    throw new ApiError(403, 'protected_target', `Only holders of ${of.adminRole} may change a staff or admin account`);
  if (verify) await requireVerified(of.db, of.realm, target.id as string, request.verification);
  // A write without a caller check only sends the setup link: like the code, it goes to a verified address only.
  else if (target.emailVerified !== true || !target.email)
    throw new ApiError(409, 'no_verified_email', 'The account has no verified email address to send a setup link to');
  return protectedBy;
};
