/**
 * What the helpdesk can do, and its rules: find users, see their devices (mirror and live, never a
 * secret), verify a caller by an emailed code, remove one device, reset all OTP, resend the setup email,
 * read and verify the audit trail. Every write passes guard.ts (own account, ticket, reason, per-staff
 * limit, protected accounts, verified caller); refusals are audited too. A write on a protected account
 * waits for a second helpdesk admin (four eyes). Each write is written ahead as an intent (intents.ts),
 * lands in the hash-chained audit log with its result, and tells the owner by email (through the outbox).
 */
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { devicesOfUser, markRemoved } from '../devices/records.js';
import type { Caller } from '../http/auth.js';
import { ApiError, notFound } from '../http/errors.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import { KeycloakRoles } from '../keycloak/roles.js';
import { localeOf } from '../keycloak/users.js';
import type { RealmDefaultLocale } from '../mail/compose.js';
import type { ChangeNotices } from '../notices/notices.js';
import { flagsOf } from '../notices/records.js';
import type { SqlDatabase } from '../store/database.js';
import { RealmService } from '../util/realm-service.js';
import { changeOf, type Operation, type Outcome, type SetupLink } from './changes.js';
import { type GuardOf, guardWrite, type HelpdeskRules, refuseOwnAccount } from './guard.js';
import { intentLock, settleIntent } from './intents.js';
import type { ProtectionRules } from './privilege.js';
import {
  type AuditEntry,
  type AuditQuery,
  type AuditRow,
  appendAudit,
  approvalOf,
  closeIntent,
  findAudit,
  type IntendedAction,
  openApproval,
  openIntent,
  type PendingApproval,
  pendingApprovals,
  takeApproval,
  verifyAuditChain,
} from './records.js';
import { sendVerificationCode, type VerificationProof } from './verification.js';

export interface HelpdeskOptions {
  keycloak: KeycloakConnection;
  db: SqlDatabase;
  helpdeskRole: string;
  adminRole: string;
  realmDisplayName: string;
  /** the language of owners without a `locale` attribute */
  defaultLocale?: RealmDefaultLocale;
  /** the setup link, bound to a recovery request (RecoveryService.sendSetupLink) */
  setupLink: SetupLink;
  /** where and within how many minutes the owner proves the link's device (told in the owner's notice) */
  completion: { url: () => string; minutes: number };
  /** gives the owner's notice its "This wasn't me" link */
  notices?: ChangeNotices;
  rules: HelpdeskRules;
  protection: ProtectionRules;
  /** counts refused writes by reason (otp_sidecar_helpdesk_writes_refused_total) */
  onRefused?: (reason: string) => void;
}

/** What the staff member gives with every write. */
export interface ActionRequest {
  reason: string;
  ticket?: string;
  sendSetupEmail?: boolean;
  verification?: VerificationProof;
}

/** What a write answers: done (with its audit entry) or waiting for a second helpdesk admin. */
export type WriteResult = { result: 'ok'; auditId: number } | { result: 'pending-approval'; approvalId: number };

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
  private readonly roles = new KeycloakRoles(this.options.keycloak);

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
    return this.write(caller, userId, request, { kind: 'remove-device', credentialId });
  }

  /** Removes every OTP device and ends every session; a new device only through the emailed link. */
  resetOtp(caller: Caller, userId: string, request: ActionRequest) {
    return this.write(caller, userId, request, { kind: 'reset-otp' });
  }

  sendSetupEmail(caller: Caller, userId: string, request: ActionRequest) {
    return this.write(caller, userId, request, { kind: 'send-setup-email' });
  }

  /** Emails the account's verified address a one-time code the caller reads back (audited, never answered). */
  async requestVerification(caller: Caller, userId: string): Promise<{ id: number; expiresInSeconds: number }> {
    const user = await this.userOr404(userId);
    const intended = this.intendedOf(caller, user, 'verification', { reason: 'identity verification' });
    try {
      refuseOwnAccount(caller, user);
      const sent = await sendVerificationCode(this.options.db, this.realm, user, caller.userId, {
        realmName: this.options.realmDisplayName,
        realmDefaultLocale: await this.options.defaultLocale?.(),
      });
      await appendAudit(this.options.db, this.realm, {
        ...intended,
        result: 'ok',
        details: { verificationId: sent.id, method: 'email-code' },
      });
      return sent;
    } catch (error) {
      if (error instanceof ApiError) await this.refused(intended, error);
      throw error;
    }
  }

  audit(query: AuditQuery): Promise<AuditRow[]> {
    return findAudit(this.options.db, this.realm, query);
  }

  verifyAudit() {
    return verifyAuditChain(this.options.db, this.realm);
  }

  approvals(): Promise<PendingApproval[]> {
    return pendingApprovals(this.options.db, this.realm);
  }

  /** A second helpdesk admin approves a pending write: it runs now, audited with both names. */
  async approve(caller: Caller, approvalId: number): Promise<WriteResult> {
    const { db, adminRole } = this.options;
    const pending = await approvalOf(db, this.realm, approvalId);
    if (!pending) throw notFound('No such pending approval');
    const user = await this.userOr404(pending.targetUserId);
    const request = pending.request as unknown as ActionRequest & Operation;
    const intended = {
      ...this.intendedOf(caller, user, 'approve', request),
      details: { approvalId, requestedBy: pending.requestedByUsername },
    };
    try {
      if (!caller.roles.includes(adminRole))
        throw new ApiError(403, 'forbidden', `Only holders of ${adminRole} may approve`);
      if (caller.userId === pending.requestedById)
        throw new ApiError(403, 'same_person', 'A second helpdesk admin must approve; not the one who asked');
      refuseOwnAccount(caller, user);
    } catch (error) {
      if (error instanceof ApiError) await this.refused(intended, error);
      throw error;
    }
    if (!(await takeApproval(db, this.realm, approvalId, caller.username))) throw notFound('No such pending approval');
    const op: Operation = {
      kind: request.kind,
      ...(request.credentialId ? { credentialId: request.credentialId } : {}),
    };
    const auditId = await this.execute(this.intendedOf(caller, user, op.kind, request), user, op, {
      verifiedBy: 'email-code',
      fourEyes: { requestedBy: pending.requestedByUsername, approvedBy: caller.username },
    });
    return { result: 'ok', auditId };
  }

  private async userOr404(id: string): Promise<UserRepresentation> {
    const user = await this.users.getIfExists(id);
    if (!user?.id) throw notFound('User not found');
    return user;
  }

  private get guardOf(): GuardOf {
    const { db, rules, protection, adminRole } = this.options;
    return { db, realm: this.realm, users: this.users, roles: this.roles, rules, protection, adminRole };
  }

  private intendedOf(
    caller: Caller,
    user: UserRepresentation,
    action: AuditEntry['action'],
    request: { reason: string; ticket?: string },
  ): IntendedAction {
    return {
      actorId: caller.userId,
      actorUsername: caller.username,
      action,
      targetUserId: user.id as string,
      targetUsername: user.username ?? '',
      reason: request.reason ?? '',
      ...(request.ticket ? { ticket: request.ticket } : {}),
    };
  }

  /** A refused attempt changed nothing, and is audited (outcome `refused`) and counted. */
  private async refused(intended: IntendedAction, error: ApiError) {
    this.options.onRefused?.(error.code);
    await appendAudit(this.options.db, this.realm, {
      ...intended,
      result: 'refused',
      details: { refusal: error.code, message: error.message },
    });
  }

  /** A write: guarded (refusals audited), then run — or, on a protected account with four eyes, parked. */
  private async write(caller: Caller, userId: string, request: ActionRequest, op: Operation): Promise<WriteResult> {
    const user = await this.userOr404(userId);
    const intended = this.intendedOf(caller, user, op.kind, request);
    const verify = op.kind !== 'send-setup-email';
    let protectedBy: string | undefined;
    try {
      protectedBy = await guardWrite(this.guardOf, caller, user, request, verify);
    } catch (error) {
      if (error instanceof ApiError) await this.refused(intended, error);
      throw error;
    }
    const verified = verify ? { verifiedBy: 'email-code' } : { verification: 'none' };
    if (protectedBy && this.options.rules.fourEyesForProtected)
      return this.park(caller, user, intended, request, op, protectedBy);
    return { result: 'ok', auditId: await this.execute(intended, user, op, verified) };
  }

  private async park(
    caller: Caller,
    user: UserRepresentation,
    intended: IntendedAction,
    request: ActionRequest,
    op: Operation,
    protectedBy: string,
  ): Promise<WriteResult> {
    const { verification: _spent, ...kept } = request;
    const approvalId = await this.options.db.transaction(async (tx) => {
      const id = await openApproval(tx, this.realm, {
        request: { ...kept, ...op },
        requestedById: caller.userId,
        requestedByUsername: caller.username,
        targetUserId: user.id as string,
        targetUsername: user.username ?? '',
      });
      await appendAudit(tx, this.realm, {
        ...intended,
        result: 'pending-approval',
        details: { approvalId: id, protectedBy, verifiedBy: 'email-code' },
      });
      return id;
    });
    return { result: 'pending-approval', approvalId };
  }

  /** Runs an allowed write: written ahead, run, and audited. Returns the audit id. */
  private async execute(
    intended: IntendedAction,
    user: UserRepresentation,
    op: Operation,
    extra: Record<string, unknown>,
  ): Promise<number> {
    const run = changeOf(this.users, this.options.setupLink, op);
    const withExtra = async (u: UserRepresentation): Promise<Outcome> => {
      const outcome = await run(u);
      return { ...outcome, details: { ...extra, ...(outcome.details ?? {}) } };
    };
    // Written before Keycloak is touched, held under its lock until the audit entry lands (see intents.ts).
    const intentId = await openIntent(this.options.db, this.realm, intended, {
      email: user.email,
      locale: localeOf(user),
    });
    const auditId = await this.options.db.withLock(intentLock(intentId), () =>
      this.runAudited(intentId, intended, user, withExtra),
    );
    return auditId as number;
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
      // A refusal (ApiError) changed nothing and is audited as refused; a Keycloak failure as failed.
      await db.transaction(async (tx) => {
        await appendAudit(
          tx,
          realm,
          error instanceof ApiError
            ? { ...intended, result: 'refused', details: { refusal: error.code, message: error.message } }
            : { ...intended, result: `failed: ${(error as Error).message.slice(0, 200)}` },
        );
        await closeIntent(tx, intentId);
      });
      if (error instanceof ApiError) throw error;
      throw new ApiError(502, 'keycloak_error', 'Keycloak did not complete the change; nothing was reported as done');
    }
    const realmDefaultLocale = await this.options.defaultLocale?.();
    const { completion } = this.options;
    const completeNext =
      outcome.details?.setupLinkProof === 'sign-in'
        ? { url: completion.url(), minutes: completion.minutes }
        : undefined;
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
          ownerLocale: localeOf(user),
          realmDefaultLocale,
          ...(outcome.label ? { label: outcome.label } : {}),
          realmDisplayName: this.options.realmDisplayName,
          notices: this.options.notices,
          ...(completeNext ? { completeNext } : {}),
        },
      );
      const removed = (outcome.details?.removedCredentialIds as string[] | undefined) ?? [];
      await markRemoved(tx, realm, removed, 'removed by the helpdesk');
      return auditId;
    });
  }
}
