/**
 * The enforcement loop: pages through the realm's users (full representations, a page at a time), decides
 * per user with the pure policy, adds CONFIGURE_TOTP where the deadline has passed (keeping every other
 * required action), queues reminders, and records each decision for the compliance report. A second run
 * makes no admin writes; it never removes a device.
 */
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import { localeOf } from '../keycloak/users.js';
import type { RealmDefaultLocale } from '../mail/compose.js';
import { enqueueEmail } from '../mail/outbox.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { SqlDatabase } from '../store/database.js';
import { RealmService } from '../util/realm-service.js';
import { type Membership, readMembership, readUserMembership } from './membership.js';
import {
  type Decision,
  decide,
  type EnforcementPolicy,
  exemptStaffRoles,
  isLinkOnly,
  type UserFacts,
} from './policy.js';
import { complianceCounts, forgetUnseen, lastReminders, recordReminder, saveDecisions } from './records.js';
import { reminderEmail } from './reminder-email.js';

export interface ReconcilerOptions {
  keycloak: KeycloakConnection;
  db: SqlDatabase;
  policy: EnforcementPolicy;
  logger: Logger;
  metrics: Metrics;
  dryRun?: boolean;
  pageSize?: number;
  /** the account console, linked from reminders */
  accountUrl: string;
  /** the language of users without a `locale` attribute */
  defaultLocale?: RealmDefaultLocale;
  now?: () => Date;
  /** aborted when the sidecar shuts down: a running pass stops at the next page */
  signal?: AbortSignal;
  /** the helpdesk roles: their holders are never exempt from OTP */
  staffRoles?: string[];
}

export const DEFAULT_STAFF_ROLES = ['otp-helpdesk', 'otp-helpdesk-admin'];

export interface ReconcileReport {
  scanned: number;
  required: number;
  markedForSetup: number;
  remindersQueued: number;
  adminWrites: number;
  dryRun: boolean;
}

type Decided = { user: UserFacts; decision: Decision };

const factsOf = (user: UserRepresentation, membership: Membership): UserFacts => ({
  id: user.id as string,
  username: user.username ?? '',
  ...(user.email ? { email: user.email } : {}),
  ...(localeOf(user) ? { locale: localeOf(user) } : {}),
  enabled: user.enabled !== false,
  ...(user.createdTimestamp ? { createdTimestamp: user.createdTimestamp } : {}),
  hasOtp: user.totp === true,
  requiredActions: user.requiredActions ?? [],
  serviceAccount: Boolean((user as { serviceAccountClientId?: string }).serviceAccountClientId),
  inScopeGroup: membership.inScope(user.id as string),
  ...(membership.exemptBy(user.id as string) ? { exemptBy: membership.exemptBy(user.id as string) } : {}),
  ...(membership.staff(user.id as string) ? { staff: true } : {}),
  ...(isLinkOnly(user) ? { linkOnlyEnrolment: true } : {}),
});

export class Reconciler extends RealmService<ReconcilerOptions> {
  constructor(options: ReconcilerOptions) {
    super(options);
    // Staff act on others' second factor: a policy that would let them sign in with a password only is refused.
    const exempted = exemptStaffRoles(options.policy, this.staffRoles);
    if (exempted.length > 0)
      throw new Error(`sidecar.yaml: enforcement.exempt.roles may not exempt helpdesk roles (${exempted.join(', ')})`);
  }

  private get staffRoles(): string[] {
    return this.options.staffRoles ?? DEFAULT_STAFF_ROLES;
  }

  /** One full pass over the realm. */
  async runFull(): Promise<ReconcileReport> {
    const { keycloak, db, policy, metrics } = this.options;
    const started = this.now();
    const report = this.emptyReport();
    const membership = await readMembership(keycloak, policy, this.staffRoles);
    for await (const page of this.users.pages({ pageSize: this.options.pageSize, signal: this.options.signal })) {
      const reminders = await lastReminders(
        db,
        this.realm,
        page.map((u) => u.id as string),
      );
      const decided: Decided[] = [];
      for (const user of page) {
        const result = await this.enforce(factsOf(user, membership), reminders.get(user.id as string), started, report);
        if (result) decided.push(result);
      }
      await saveDecisions(db, this.realm, decided, started);
    }
    await forgetUnseen(db, this.realm, started);
    const counts = await complianceCounts(db, this.realm);
    metrics.usersRequired.set(counts.required);
    metrics.usersWithOtp.set(counts.withOtp);
    metrics.usersPending.set(counts.missing);
    this.options.logger.info({ ...report, ...counts }, 'enforcement pass done');
    return report;
  }

  /** Enforces the policy for one user (a new account, a changed one); false when the user is gone. */
  async runForUser(userId: string): Promise<boolean> {
    const { db, policy } = this.options;
    const user = await this.users.get(userId);
    if (!user?.id) return false;
    const membership = await readUserMembership(this.users, policy, userId, this.staffRoles);
    const reminders = await lastReminders(db, this.realm, [userId]);
    const now = this.now();
    const result = await this.enforce(factsOf(user, membership), reminders.get(userId), now, this.emptyReport());
    if (result) await saveDecisions(db, this.realm, [result], now);
    return true;
  }

  private emptyReport(): ReconcileReport {
    return {
      scanned: 0,
      required: 0,
      markedForSetup: 0,
      remindersQueued: 0,
      adminWrites: 0,
      dryRun: Boolean(this.options.dryRun),
    };
  }

  /**
   * Decides for one user and acts (CONFIGURE_TOTP, a reminder). A reminder is saved with the decision in
   * one transaction; otherwise the decision is returned for the caller to save with its page.
   */
  private async enforce(
    facts: UserFacts,
    lastReminder: Date | undefined,
    now: Date,
    report: ReconcileReport,
  ): Promise<Decided | undefined> {
    const { db, logger } = this.options;
    report.scanned += 1;
    let decision: Decision = decide(this.options.policy, facts, now, lastReminder);
    if (decision.required) report.required += 1;
    if (decision.action === 'require-otp-setup') {
      report.markedForSetup += 1;
      if (this.options.dryRun) {
        logger.info({ userId: facts.id, username: facts.username }, 'dry run: would add CONFIGURE_TOTP');
      } else {
        const marked = await this.users.requireOtpSetup(facts.id);
        if (marked) {
          logger.info({ userId: facts.id, username: marked.username }, 'CONFIGURE_TOTP added');
          report.adminWrites += 1;
          decision = { ...decision, pending: true };
        }
      }
    }
    if (!(decision.action === 'remind' && facts.email && decision.deadline && !this.options.dryRun))
      return { user: facts, decision };
    const deadline = decision.deadline;
    const email = facts.email;
    const realmDefaultLocale = await this.options.defaultLocale?.();
    await db.transaction(async (tx) => {
      const queued = await enqueueEmail(
        tx,
        reminderEmail({
          realm: this.realm,
          userId: facts.id,
          username: facts.username,
          email,
          locale: facts.locale,
          realmDefaultLocale,
          deadline,
          accountUrl: this.options.accountUrl,
          now,
        }),
      );
      if (queued) {
        await recordReminder(tx, this.realm, facts.id, now);
        report.remindersQueued += 1;
      }
      await saveDecisions(tx, this.realm, [{ user: facts, decision }], now);
    });
    return undefined;
  }
}
