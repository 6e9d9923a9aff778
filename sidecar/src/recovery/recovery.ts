/**
 * Lost-phone recovery, bound to its link (docs/threat-model.md, "Recovery"). A request (the sidecar's
 * `/recovery`, or Keycloak's own "Forgot Password?" seen as `SEND_RESET_PASSWORD`) only records that a link
 * went out: nothing is removed and nothing is "armed". The device that counts is the one created *through
 * that link*: the user's new OTP credential whose `UPDATE_CREDENTIAL` event names the recovery client
 * (execute-actions links run in an auth session of the client they were issued for; the admin scripts turn
 * that client's standard flow off, so Keycloak refuses any authorization request for it — no browser login,
 * no `kc_action=CONFIGURE_TOTP` — and the proving sign-in runs through `<client>-signin`, whose events never
 * count). It is *pending* until
 * proven — by a fresh password + OTP sign-in at `/recovery/complete` (`password-and-email`), or by the link
 * itself (`email-only`) — and only then, after the cooling-off, are the old devices retired (completion.ts).
 * A device added any other way (account console, `kc_action=CONFIGURE_TOTP`, an admin) never retires others.
 * The helpdesk's setup link (after a reset or the last device's removal) goes through the same client and
 * the same binding (`sendSetupLink`, a request of source `helpdesk`): its device too is kept only once proven.
 */
import { recoveryActionsOf, recoveryLinkOffered } from '../../../realm-files/src/index.js';
import { RealmService } from '../util/realm-service.js';
import { type ProofOutcome, RecoveryCompletion, type SignInProof } from './completion.js';
import type { RecoveryOptions, UserEventSeen } from './options.js';
import { isProtectedAccount } from './protected.js';
import {
  hitWithinLimit,
  insertRequest,
  openResetRequest,
  type RecoveryRequest,
  type RecoverySource,
  requestAwaitingDevice,
  setPasswordUpdated,
  setPendingDevice,
} from './records.js';

export type { RecoveryOptions, UserEventSeen } from './options.js';
export type { RecoverySource } from './records.js';

/** The requests whose link is an execute-actions email of the recovery client. */
const LINK_SOURCES: RecoverySource[] = ['self-service', 'helpdesk'];

/** Clock skew allowed between Keycloak's credential `createdDate` and its event time. */
const SKEW_MS = 2_000;

export class RecoveryService extends RealmService<RecoveryOptions> {
  private readonly completion = new RecoveryCompletion(this.options);

  private get rules() {
    return this.options.rules;
  }

  /** A fresh sign-in at /recovery/complete: proves the user's pending device (see completion.ts). */
  prove(proof: SignInProof): Promise<ProofOutcome> {
    return this.completion.prove(proof);
  }

  /**
   * Stops the user's unfinished recoveries ("This wasn't me"): a pending retirement does not happen and the
   * device the recovery brought is removed. Returns how many were stopped.
   */
  cancelPending(userId: string): Promise<number> {
    return this.completion.cancelPending(userId);
  }

  /** Scheduled: pending devices not proven in time go, cooling-offs that are over retire the old devices. */
  completePending(): Promise<number> {
    return this.completion.housekeeping();
  }

  /** Records a request (its link's lifespan); nothing else happens until the link's device appears. */
  async open(userId: string, source: RecoverySource, at = this.now(), level = this.rules.level): Promise<void> {
    const expiresAt = new Date(at.getTime() + this.rules.linkLifespanMinutes * 60_000);
    await insertRequest(this.options.db, this.realm, {
      userId,
      source,
      level,
      requestedAt: at,
      expiresAt,
    });
  }

  /**
   * A self-service request, off the request path (the answer was the same 202 for everyone). Sends the link
   * only when the level offers one, to an enabled account with a verified address, not protected, within the
   * per-account limit; an error in any check sends nothing (fail closed).
   */
  async requestBySelfService(identifier: string): Promise<'sent' | 'ignored'> {
    const { rules, logger } = this.options;
    if (!recoveryLinkOffered(rules)) return 'ignored';
    const user = await this.users.byIdentifier(identifier);
    if (!user?.id || user.enabled === false || !user.email || user.emailVerified !== true) return 'ignored';
    if (!(await this.withinAccountLimit(user.id))) return 'ignored';
    const protectedAccount = await isProtectedAccount(this.users, user.id, rules).catch((error) => {
      logger.warn({ err: (error as Error).message }, 'recovery: role lookup failed; no link sent');
      return true;
    });
    if (protectedAccount) return 'ignored';
    await this.open(user.id, 'self-service');
    await this.users.sendActionsEmail(user.id, {
      actions: recoveryActionsOf(rules),
      lifespan: rules.linkLifespanMinutes * 60,
      clientId: rules.clientId,
      redirectUri: this.options.completeUrl(),
    });
    logger.info({ userId: user.id }, 'recovery email sent');
    return 'sent';
  }

  /**
   * The helpdesk's setup link (issue 19: the mailbox and one fooled helpdesk member must not replace the
   * second factor). A `helpdesk` request is opened, so the device the link makes is bound to it like a
   * recovery's: it is kept only once proven — by a sign-in with the password and the new device at
   * /recovery/complete, or at `email-only` (not for protected accounts) by the link, kept after the
   * cooling-off — else removed at the window's end and the owner told. Returns the proof it waits for.
   */
  async sendSetupLink(userId: string): Promise<'sign-in' | 'link'> {
    const { rules, logger } = this.options;
    const byLink =
      rules.level === 'email-only' &&
      !(await isProtectedAccount(this.users, userId, rules).catch((error) => {
        logger.warn({ err: (error as Error).message }, 'recovery: role lookup failed; the setup link needs a sign-in');
        return true;
      }));
    await this.open(userId, 'helpdesk', this.now(), byLink ? 'email-only' : 'password-and-email');
    await this.users.sendActionsEmail(userId, {
      // At email-only the user may not know the password: the link sets one, as the recovery link does.
      actions: byLink ? recoveryActionsOf(rules) : ['CONFIGURE_TOTP'],
      lifespan: rules.linkLifespanMinutes * 60,
      clientId: rules.clientId,
      redirectUri: this.options.completeUrl(),
    });
    return byLink ? 'link' : 'sign-in';
  }

  /** Per resolved account (not per typed string), counted in the store so replicas share it. */
  private withinAccountLimit(userId: string): Promise<boolean> {
    return this.withinLimit(`account:${userId}`, this.rules.rateLimit.perAccountPerHour, 3_600_000);
  }

  /** Per client IP, in the store; false: refuse this request. */
  withinIpLimit(ip: string): Promise<boolean> {
    return this.withinLimit(`ip:${ip}`, this.rules.rateLimit.perIpPer15Minutes, 15 * 60_000);
  }

  private withinLimit(key: string, limit: number, windowMs: number): Promise<boolean> {
    const now = this.now();
    return hitWithinLimit(this.options.db, this.realm, key, limit, new Date(now.getTime() - windowMs), now);
  }

  /**
   * What a user event means for recovery: an OTP credential made through the recovery client binds the
   * device to the self-service or helpdesk request whose link it answers (the newest open one); at `email-only`, Keycloak's reset link (an OTP credential
   * and a new password within a `SEND_RESET_PASSWORD`'s lifespan) binds and proves its device.
   */
  async onUserEvent(userId: string, event: UserEventSeen): Promise<void> {
    const otp = event.type === 'UPDATE_CREDENTIAL' && event.credentialType === 'otp';
    if (otp && event.clientId === this.rules.clientId) {
      const request = await requestAwaitingDevice(this.options.db, this.realm, userId, LINK_SOURCES, event.at);
      if (request) await this.bindDevice(request, event.at);
      return;
    }
    if (this.rules.level !== 'email-only' || !(otp || event.type === 'UPDATE_PASSWORD')) return;
    const reset = await openResetRequest(this.options.db, this.realm, userId, event.at);
    if (!reset) return;
    if (otp && !reset.pendingCredentialId) await this.bindDevice(reset, event.at);
    if (event.type === 'UPDATE_PASSWORD') await setPasswordUpdated(this.options.db, reset.id, event.at);
    await this.completion.resetStepDone(userId);
  }

  /** The newest OTP credential created between the request and the event: the one the link's action made. */
  private async bindDevice(request: RecoveryRequest, eventAt: Date): Promise<void> {
    const devices = await this.users.otpCredentials(request.userId);
    const made = devices
      .map((d) => ({ id: d.id as string, createdAt: Number(d.createdDate ?? 0) }))
      .filter((d) => d.id && d.createdAt >= request.requestedAt.getTime() - SKEW_MS)
      .filter((d) => d.createdAt <= eventAt.getTime() + SKEW_MS)
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!made) return this.options.logger.warn({ userId: request.userId }, 'recovery: the link’s device was not found');
    await setPendingDevice(this.options.db, request.id, made.id, new Date(made.createdAt));
    this.options.logger.info({ userId: request.userId }, 'recovery: new device pending proof');
    // A reset request waits for its new password too (resetStepDone); a link's device may be proven now.
    if (request.source !== 'keycloak-reset') await this.completion.bound(request);
  }
}
