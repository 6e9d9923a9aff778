/**
 * What the helpdesk can do, and its rules: find users, see their devices (mirror and live, never a
 * secret), remove one device, reset all OTP, resend the setup email, read the audit trail. Every write
 * needs a reason, is refused on one's own account and — unless the caller holds the helpdesk admin role —
 * on staff and admin accounts, is written ahead as an intent (intents.ts), lands in the append-only audit
 * log with its result, and tells the owner by email (through the outbox, in the same transaction).
 */
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { devicesOfUser, markRemoved } from '../devices/records.js';
import { CONFIGURE_TOTP } from '../enforcement/policy.js';
import type { Caller } from '../http/auth.js';
import { ApiError, notFound } from '../http/errors.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import type { ChangeNotices } from '../notices/notices.js';
import { flagsOf } from '../notices/records.js';
import type { SqlDatabase } from '../store/database.js';
import { RealmService } from '../util/realm-service.js';
import { intentLock, settleIntent } from './intents.js';
import {
  type AuditEntry,
  type AuditQuery,
  type AuditRow,
  appendAudit,
  closeIntent,
  findAudit,
  type IntendedAction,
  openIntent,
} from './records.js';

export interface HelpdeskOptions {
  keycloak: KeycloakConnection;
  db: SqlDatabase;
  helpdeskRole: string;
  adminRole: string;
  realmDisplayName: string;
  setupEmail: { lifespanSeconds: number; clientId: string; redirectUri?: string };
  /** gives the owner's notice its "This wasn't me" link */
  notices?: ChangeNotices;
}

/** What the staff member gives with every write. */
export interface ActionRequest {
  reason: string;
  ticket?: string;
  sendSetupEmail?: boolean;
}

/** What a write did, for its audit entry and the owner's notice. */
interface Outcome {
  credentialId?: string;
  label?: string;
  details?: Record<string, unknown>;
}

/** The part of a user the helpdesk sees (never credentials or attributes). */
export const publicUser = (u: UserRepresentation) => ({
  id: u.id,
  username: u.username,
  email: u.email,
  firstName: u.firstName,
  lastName: u.lastName,
  enabled: u.enabled,
  totp: u.totp,
  ...(u.requiredActions ? { requiredActions: u.requiredActions } : {}),
});

export class HelpdeskActions extends RealmService<HelpdeskOptions> {
  async findUsers(search: string, first: number, max: number) {
    return (await this.users.search(search, first, max)).map(publicUser);
  }

  /** The user, their devices as the mirror knows them, and their OTP credentials as Keycloak has them now. */
  async userWithDevices(id: string) {
    const user = await this.userOr404(id);
    const live = (await this.users.otpCredentials(user.id as string)).map((c) => ({
      id: c.id,
      label: c.userLabel ?? null,
      createdDate: c.createdDate ? new Date(c.createdDate).toISOString() : null,
    }));
    // frozen: the owner said "This wasn't me" to a change (notices/): check with them before anything else.
    const frozen = (await flagsOf(this.options.db, this.realm, user.id as string)).includes('frozen');
    return {
      user: { ...publicUser(user), frozen },
      devices: await devicesOfUser(this.options.db, this.realm, user.id as string),
      live,
    };
  }

  removeDevice(caller: Caller, userId: string, credentialId: string, request: ActionRequest) {
    return this.act(caller, userId, request, 'remove-device', async (user) => {
      const device = (await this.users.otpCredentials(user.id as string)).find((c) => c.id === credentialId);
      if (!device?.id) throw notFound('This user has no such OTP device');
      await this.users.deleteCredential(user.id as string, device.id);
      return {
        credentialId: device.id,
        ...(device.userLabel ? { label: device.userLabel } : {}),
        details: { removedCredentialIds: [device.id] },
      };
    });
  }

  /** Removes every OTP device, asks for a new one at the next sign-in and ends every session. */
  resetOtp(caller: Caller, userId: string, request: ActionRequest) {
    return this.act(caller, userId, request, 'reset-otp', async (user) => {
      const id = user.id as string;
      const devices = await this.users.otpCredentials(id);
      for (const device of devices) await this.users.deleteCredential(id, device.id as string);
      await this.users.addOtpSetup(id);
      // A reset ends every session: whoever holds the lost phone is signed out too.
      await this.users.logout(id);
      const sendEmail = request.sendSetupEmail === true && Boolean(user.email);
      if (sendEmail) await this.sendSetupEmailTo(id);
      return {
        details: {
          removedCredentialIds: devices.map((d) => d.id),
          removedLabels: devices.map((d) => d.userLabel ?? null),
          setupEmailSent: sendEmail,
        },
      };
    });
  }

  sendSetupEmail(caller: Caller, userId: string, request: ActionRequest) {
    return this.act(caller, userId, request, 'send-setup-email', async (user) => {
      if (!user.email) throw new ApiError(409, 'no_email', 'The user has no email address');
      await this.sendSetupEmailTo(user.id as string);
      return {};
    });
  }

  audit(query: AuditQuery): Promise<AuditRow[]> {
    return findAudit(this.options.db, this.realm, query);
  }

  private async userOr404(id: string): Promise<UserRepresentation> {
    const user = await this.users.getIfExists(id);
    if (!user?.id) throw notFound('User not found');
    return user;
  }

  /** Staff and admin accounts are off limits unless the caller holds the helpdesk admin role. */
  private async checkAllowed(caller: Caller, target: UserRepresentation) {
    const { adminRole, helpdeskRole } = this.options;
    if (caller.userId === target.id)
      throw new ApiError(403, 'forbidden', 'You cannot change your own sign-in through the helpdesk');
    if (caller.roles.includes(adminRole)) return;
    const id = target.id as string;
    const realmRoles = await this.users.effectiveRealmRoles(id);
    const protectedRealmRole = realmRoles.find(
      (r) => r.name === helpdeskRole || r.name === adminRole || r.name === 'admin',
    );
    const clientRoles = await this.users.roleMappings(id);
    const managementRoles = clientRoles.clientMappings?.['realm-management']?.mappings ?? [];
    if (protectedRealmRole || managementRoles.length > 0)
      throw new ApiError(403, 'forbidden', `Only holders of ${adminRole} may change a staff or admin account`);
  }

  private sendSetupEmailTo(id: string) {
    const { lifespanSeconds, clientId, redirectUri } = this.options.setupEmail;
    return this.users.sendActionsEmail(id, {
      actions: [CONFIGURE_TOTP],
      lifespan: lifespanSeconds,
      clientId,
      redirectUri,
    });
  }

  /** Runs a helpdesk write: allowed or refused, then written ahead, run, and audited. Returns the audit id. */
  private async act(
    caller: Caller,
    userId: string,
    request: ActionRequest,
    action: AuditEntry['action'],
    run: (user: UserRepresentation) => Promise<Outcome>,
  ): Promise<number | undefined> {
    const user = await this.userOr404(userId);
    await this.checkAllowed(caller, user);
    const intended: IntendedAction = {
      actorId: caller.userId,
      actorUsername: caller.username,
      action,
      targetUserId: user.id as string,
      targetUsername: user.username ?? '',
      reason: request.reason,
      ...(request.ticket ? { ticket: request.ticket } : {}),
    };
    // Written before Keycloak is touched, held under its lock until the audit entry lands (see intents.ts).
    const intentId = await openIntent(this.options.db, this.realm, intended, user.email);
    return this.options.db.withLock(intentLock(intentId), () => this.runAudited(intentId, intended, user, run));
  }

  private async runAudited(
    intentId: number,
    intended: IntendedAction,
    user: UserRepresentation,
    run: (user: UserRepresentation) => Promise<Outcome>,
  ): Promise<number> {
    const { db } = this.options;
    const realm = this.realm;
    let outcome: Outcome;
    try {
      outcome = await run(user);
    } catch (error) {
      // A refusal (ApiError) changed nothing and is not audited; a Keycloak failure is.
      await db.transaction(async (tx) => {
        if (!(error instanceof ApiError))
          await appendAudit(tx, realm, { ...intended, result: `failed: ${(error as Error).message.slice(0, 200)}` });
        await closeIntent(tx, intentId);
      });
      if (error instanceof ApiError) throw error;
      throw new ApiError(502, 'keycloak_error', 'Keycloak did not complete the change; nothing was reported as done');
    }
    return db.transaction(async (tx) => {
      const auditId = await settleIntent(
        tx,
        intentId,
        realm,
        {
          ...intended,
          ...(outcome.credentialId ? { credentialId: outcome.credentialId } : {}),
          result: 'ok',
          ...(outcome.details ? { details: outcome.details } : {}),
        },
        {
          ownerEmail: user.email,
          ...(outcome.label ? { label: outcome.label } : {}),
          realmDisplayName: this.options.realmDisplayName,
          notices: this.options.notices,
        },
      );
      const removed = (outcome.details?.removedCredentialIds as string[] | undefined) ?? [];
      await markRemoved(tx, realm, removed, 'removed by the helpdesk');
      return auditId;
    });
  }
}
