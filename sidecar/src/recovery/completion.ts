/**
 * The end of a recovery: proof of the pending device (a fresh password + OTP sign-in at /recovery/complete,
 * or the link itself at `email-only`), the old devices retired after the cooling-off, the user's *other*
 * sessions ended, the owner told — or, not proven within `completionWindowMinutes` or stopped by the owner,
 * the pending device removed and the owner told. A helpdesk setup link's device ends the same way, except
 * that its proof retires nothing (it is *kept*) and its removal, when it was the account's only device, puts
 * the account back to link-only enrolment (helpdesk/enrolment.ts) so the helpdesk can send another link.
 * Every step is safe to repeat (the housekeeping job retries).
 */
import { retireAfterHoursOf } from '../../../realm-files/src/index.js';
import { markRemoved } from '../devices/records.js';
import { markLinkOnly } from '../helpdesk/enrolment.js';
import { localeOf } from '../keycloak/users.js';
import { enqueueEmail, type OutgoingEmail } from '../mail/outbox.js';
import { RealmService } from '../util/realm-service.js';
import type { RecoveryOptions } from './options.js';
import {
  dueRetirements,
  finishRequest,
  markProven,
  type RecoveryRequest,
  unfinishedWithDevice,
  unprovenSince,
} from './records.js';
import {
  helpdeskDeviceScheduledEmail,
  pendingRemovedEmail,
  type RecoveryEmailInput,
  retiredDevicesEmail,
  retirementScheduledEmail,
} from './recovery-email.js';

/** What a completed sign-in at /recovery/complete proved: who, when, and the session to keep. */
export interface SignInProof {
  userId: string;
  authTime: Date;
  sessionId?: string;
}

/** What a sign-in at /recovery/complete did: its page (recovery-pages.ts) says so. */
export type ProofOutcome = 'done' | 'nothing-pending' | 'several-pending';

export class RecoveryCompletion extends RealmService<RecoveryOptions> {
  /** A device was bound to its request: the link alone proves it at `email-only`. */
  async bound(request: RecoveryRequest): Promise<void> {
    if (request.level === 'email-only') await this.proveRequest(request.id, request.userId);
  }

  /** A Keycloak reset (email-only) is proven once it holds both its device and its new password. */
  async resetStepDone(userId: string): Promise<void> {
    const requests = await unfinishedWithDevice(this.options.db, this.realm, userId);
    for (const r of requests)
      if (r.source === 'keycloak-reset' && r.passwordUpdatedAt && !r.provenAt) await this.proveRequest(r.id, userId);
  }

  /**
   * A fresh sign-in of the user proves their pending device when it came after the device was made and within
   * the window. The user's other sessions end at once; the old devices go now or after the cooling-off.
   */
  async prove(proof: SignInProof): Promise<ProofOutcome> {
    const now = this.now();
    const windowMs = this.options.rules.completionWindowMinutes * 60_000;
    const candidates = (await unfinishedWithDevice(this.options.db, this.realm, proof.userId)).filter(
      (r) =>
        !r.provenAt &&
        r.level === 'password-and-email' &&
        r.pendingSince !== null &&
        now.getTime() - r.pendingSince.getTime() <= windowMs &&
        // auth_time has whole seconds: the sign-in began in or after the second the device was made
        proof.authTime.getTime() >= Math.floor(r.pendingSince.getTime() / 1000) * 1000,
    );
    const current = await this.users.otpCredentials(proof.userId);
    const waiting = candidates.filter((r) => current.some((d) => d.id === r.pendingCredentialId));
    const [request] = waiting;
    if (!request) return 'nothing-pending';
    // The sign-in cannot tell which device gave the code (the ID token names none). With two new devices
    // waiting — one may be a mailbox reader's, set up through a second link — it proves neither: they lapse at
    // the window's end and the owner is told (found by test/security/takeover-model.test.ts).
    if (waiting.length > 1) return 'several-pending';
    await this.endOtherSessions(proof.userId, proof.sessionId);
    await this.proveRequest(request.id, proof.userId);
    return 'done';
  }

  /** Every session but the browser's that proved the device, offline ones (a thief's offline token) included. */
  private async endOtherSessions(userId: string, keep: string | undefined) {
    for (const session of await this.users.sessions(userId))
      if (session.id && session.id !== keep) await this.users.endSession(session.id);
    await this.users.endOfflineSessions(userId);
  }

  private async proveRequest(requestId: string, userId: string): Promise<void> {
    const now = this.now();
    const retireAt = new Date(now.getTime() + retireAfterHoursOf(this.options.rules) * 3_600_000);
    await markProven(this.options.db, requestId, now, retireAt);
    const request = (await unfinishedWithDevice(this.options.db, this.realm, userId)).find((r) => r.id === requestId);
    if (!request) return;
    if (retireAt <= now) return this.retire(request);
    if (request.source === 'helpdesk') {
      await this.tell(request, (input) => helpdeskDeviceScheduledEmail({ ...input, retireAt }));
      return;
    }
    const old = await this.oldDevices(request);
    await this.tell(request, (input) =>
      retirementScheduledEmail({ ...input, labels: old.map((d) => d.label), retireAt }),
    );
  }

  /** Runs on a schedule: removes pending devices not proven in time, retires those whose cooling-off is over. */
  async housekeeping(): Promise<number> {
    const now = this.now();
    const cutoff = new Date(now.getTime() - this.options.rules.completionWindowMinutes * 60_000);
    const late = await unprovenSince(this.options.db, this.realm, cutoff);
    for (const request of late) await this.removePending(request, 'expired');
    const due = await dueRetirements(this.options.db, this.realm, now);
    for (const request of due) await this.retire(request);
    return late.length + due.length;
  }

  /** "This wasn't me": stops the user's unfinished recoveries and removes the devices they brought. */
  async cancelPending(userId: string): Promise<number> {
    const requests = await unfinishedWithDevice(this.options.db, this.realm, userId);
    for (const request of requests) await this.removePending(request, 'cancelled');
    return requests.length;
  }

  private async removePending(request: RecoveryRequest, why: 'expired' | 'cancelled') {
    const id = request.pendingCredentialId as string;
    const devices = await this.users.otpCredentials(request.userId);
    const label = devices.find((d) => d.id === id)?.userLabel ?? null;
    if (request.source === 'helpdesk' && devices.every((d) => d.id === id)) await this.backToLinkOnly(request.userId);
    await this.users.deleteCredentialIfExists(request.userId, id);
    const reason = why === 'expired' ? 'recovery not confirmed in time' : 'recovery stopped by the owner';
    await this.options.db.transaction(async (tx) => {
      await markRemoved(tx, this.realm, [id], reason, this.now());
      await finishRequest(tx, request.id, this.now(), why);
    });
    await this.tell(request, (input) =>
      pendingRemovedEmail({ ...input, labels: [label], why, helpdesk: request.source === 'helpdesk' }),
    );
    this.options.logger.info({ userId: request.userId, why }, 'recovery: pending device removed');
  }

  /**
   * Before a helpdesk link's unproven device goes and leaves none: enrolment through a link only again, so
   * the password alone neither signs in nor enrols. The device goes even if Keycloak refuses the mark.
   */
  private async backToLinkOnly(userId: string) {
    await markLinkOnly(this.users, userId).catch((error) =>
      this.options.logger.error({ userId, err: (error as Error).message }, 'recovery: could not mark link-only'),
    );
  }

  /** Every OTP device of the user but the proven one. */
  private async oldDevices(request: RecoveryRequest) {
    return (await this.users.otpCredentials(request.userId))
      .filter((d) => d.id && d.id !== request.pendingCredentialId)
      .map((d) => ({ id: d.id as string, label: d.userLabel ?? null }));
  }

  private async retire(request: RecoveryRequest): Promise<void> {
    if (request.source === 'helpdesk') return this.keep(request);
    const old = this.options.rules.retireOldDevices ? await this.oldDevices(request) : [];
    for (const device of old) await this.users.deleteCredentialIfExists(request.userId, device.id);
    // At email-only nobody signed in to keep: the sessions of whoever had the old devices end.
    if (request.level === 'email-only') await this.users.logoutEverywhere(request.userId);
    await this.options.db.transaction(async (tx) => {
      const ids = old.map((d) => d.id);
      await markRemoved(tx, this.realm, ids, 'retired after recovery', this.now());
      await finishRequest(tx, request.id, this.now(), 'retired', ids);
    });
    if (old.length > 0)
      await this.tell(request, (input) => retiredDevicesEmail({ ...input, labels: old.map((d) => d.label) }));
    this.options.logger.info(
      { userId: request.userId, retired: old.length },
      'recovery completed: old devices retired',
    );
  }

  /** A helpdesk link's proven device stays; nothing else goes (the helpdesk removed what it removed). */
  private async keep(request: RecoveryRequest): Promise<void> {
    await finishRequest(this.options.db, request.id, this.now(), 'kept');
    this.options.logger.info({ userId: request.userId }, 'recovery: the helpdesk link’s device is kept');
  }

  /**
   * Mails the owner: through the notices when the sidecar has them (every address on file, with a "This
   * wasn't me" link that stops the change and removes the device the recovery brought), else to the account.
   */
  private async tell(request: RecoveryRequest, email: (input: RecoveryEmailInput) => OutgoingEmail) {
    const user = await this.users.getIfExists(request.userId);
    if (!user?.email) return;
    const owner = { userId: request.userId, username: user.username ?? '', email: user.email, locale: localeOf(user) };
    const { realmDisplayName, accountUrl, notices } = this.options;
    const realmDefaultLocale = await this.options.defaultLocale?.();
    const input = {
      realm: this.realm,
      requestId: request.id,
      owner,
      labels: [],
      realmDisplayName,
      accountUrl,
      realmDefaultLocale,
    };
    if (!notices) return enqueueEmail(this.options.db, email(input));
    const change = {
      userId: request.userId,
      kind: 'devices-retired' as const,
      newCredentialId: request.pendingCredentialId ?? undefined,
    };
    await this.options.db.transaction((tx) =>
      notices.announce(tx, change, user.email, (cancelUrl) => email({ ...input, cancelUrl })),
    );
  }
}
