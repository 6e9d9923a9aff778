/**
 * Notice and cancel ("This wasn't me"). Every email that announces a device added, removed or reset is
 * queued through `announce`, which issues a single-use cancel token for that change in the same
 * transaction and sends the email, with its link, to every address on file (the account's email and the
 * attribute `notices.extraAddressAttribute` names). Following the link and confirming (`cancel`) freezes
 * the change: all the user's sessions end, the device that came with the change is removed, a pending
 * retirement of the old devices is stopped (through `PendingRecovery`), the account is flagged `frozen`
 * for the helpdesk, the cancellation is recorded, and the owner is told.
 * Links are absolute URLs on the sidecar's configured public URL, never on a request's Host header.
 */
import { randomBytes } from 'node:crypto';
import { markRemoved } from '../devices/records.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import { localeOf } from '../keycloak/users.js';
import type { RealmDefaultLocale } from '../mail/compose.js';
import { enqueueEmail, type OutgoingEmail } from '../mail/outbox.js';
import type { Logger } from '../observability/logger.js';
import type { SqlDatabase, SqlExecutor } from '../store/database.js';
import { RealmService } from '../util/realm-service.js';
import { frozenEmail } from './notice-email.js';
import {
  type CancelTokenRow,
  type ChangeKind,
  claimCancelToken,
  hashToken,
  insertCancelToken,
  recordCancellation,
  releaseCancelToken,
  setAccountFlag,
} from './records.js';

export type { ChangeKind } from './records.js';

/** A change to a user's second factor that the owner is told of. */
export interface NoticeChange {
  userId: string;
  kind: ChangeKind;
  /** the device that came with the change (added, or set up by a recovery): a cancel removes it */
  newCredentialId?: string | undefined;
}

/** Recovery's part of a cancel: stop a pending retirement / cooling-off of the user's old devices. */
export interface PendingRecovery {
  cancelPending(userId: string): Promise<unknown>;
}

/** For sidecars (and tests) without a recovery that can wait: nothing is pending, nothing to stop. */
export const NO_PENDING_RECOVERY: PendingRecovery = { cancelPending: async () => {} };

/** What the email builders' callers need: a link for a change, and the queuing to every address. */
export interface ChangeNotices {
  cancelLinkFor(tx: SqlExecutor, change: NoticeChange): Promise<string>;
  announce(
    tx: SqlExecutor,
    change: NoticeChange,
    primaryEmail: string | null | undefined,
    build: (cancelUrl: string) => OutgoingEmail,
  ): Promise<void>;
}

export interface NoticesOptions {
  keycloak: KeycloakConnection;
  db: SqlDatabase;
  logger: Logger;
  realmDisplayName: string;
  /** the language of owners without a `locale` attribute */
  defaultLocale?: RealmDefaultLocale;
  /** the sidecar's public base URL (PUBLIC_URL): links are built on it */
  publicUrl: () => string;
  /** days a link stays valid */
  cancelLinkDays: number;
  /** a user attribute holding a further address to tell */
  extraAddressAttribute?: string | undefined;
  recovery?: PendingRecovery;
  now?: () => Date;
}

export type CancelOutcome = { result: 'frozen'; userId: string } | { result: 'invalid' };

/** 32 random bytes, base64url: 43 characters. */
export const CANCEL_TOKEN = /^[A-Za-z0-9_-]{43}$/;

const unique = (values: (string | null | undefined)[]) => [
  ...new Set(values.filter((v): v is string => Boolean(v?.trim())).map((v) => v.trim())),
];

export class NoticeService extends RealmService<NoticesOptions> implements ChangeNotices {
  private recovery: PendingRecovery = this.options.recovery ?? NO_PENDING_RECOVERY;

  /** Recovery is built after the notices it uses: it hands its cancel hook over here. */
  useRecovery(recovery: PendingRecovery) {
    this.recovery = recovery;
  }

  /** Issues a single-use token for the change (kept hashed) and returns its absolute cancel URL. */
  async cancelLinkFor(tx: SqlExecutor, change: NoticeChange): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const createdAt = this.now();
    await insertCancelToken(tx, this.realm, {
      hash: hashToken(token),
      userId: change.userId,
      changeKind: change.kind,
      credentialId: change.newCredentialId,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + this.options.cancelLinkDays * 86_400_000),
    });
    return `${this.options.publicUrl().replace(/\/+$/, '')}/notice/cancel?t=${token}`;
  }

  /** Every address on file: the account's email and the extra attribute's value (read from Keycloak). */
  async addressesOf(userId: string, primaryEmail: string | null | undefined): Promise<string[]> {
    const attribute = this.options.extraAddressAttribute;
    if (!attribute) return unique([primaryEmail]);
    const user = await this.users.getIfExists(userId);
    const extra = (user?.attributes?.[attribute] as string[] | undefined) ?? [];
    return unique([primaryEmail ?? user?.email, ...extra.filter((a) => a.includes('@'))]);
  }

  /** Queues the notice of a change, with its cancel link, to every address of the owner. */
  async announce(
    tx: SqlExecutor,
    change: NoticeChange,
    primaryEmail: string | null | undefined,
    build: (cancelUrl: string) => OutgoingEmail,
  ): Promise<void> {
    const addresses = await this.addressesOf(change.userId, primaryEmail);
    if (addresses.length === 0) return;
    const email = build(await this.cancelLinkFor(tx, change));
    // The first address keeps the builder's dedupe key, so a notice queued before this service existed
    // is not sent twice; the others are told once each.
    for (const [index, recipient] of addresses.entries())
      await enqueueEmail(tx, {
        ...email,
        recipient,
        dedupeKey: index === 0 ? email.dedupeKey : `${email.dedupeKey}:${recipient.toLowerCase()}`,
      });
  }

  /**
   * Uses a token: freezes the change it was issued for. An unknown, used or expired token is 'invalid'
   * (one answer for all three). The token is claimed first, so it is used at most once; if Keycloak fails
   * before the freeze is done, the claim is released and the owner can try again.
   */
  async cancel(token: string): Promise<CancelOutcome> {
    const { db } = this.options;
    const at = this.now();
    const claimed = await db.transaction(async (tx) => {
      const row = await claimCancelToken(tx, this.realm, hashToken(token), at);
      // Flagged at once: even if what follows fails, the helpdesk sees the owner asked for a freeze.
      if (row) await setAccountFlag(tx, this.realm, row.userId, 'frozen', at, { changeKind: row.changeKind });
      return row;
    });
    if (!claimed) return { result: 'invalid' };
    let removed: string | null;
    try {
      removed = await this.freezeInKeycloak(claimed);
    } catch (error) {
      await releaseCancelToken(db, claimed.id);
      throw error;
    }
    await this.recordFreeze(claimed, removed, at);
    this.options.logger.info({ userId: claimed.userId, changeKind: claimed.changeKind }, 'change cancelled: frozen');
    return { result: 'frozen', userId: claimed.userId };
  }

  /** Ends every session, removes the device that came with the change, stops a pending retirement. */
  private async freezeInKeycloak(token: CancelTokenRow): Promise<string | null> {
    const removable = token.changeKind === 'device-added' || token.changeKind === 'devices-retired';
    const remove = removable ? token.credentialId : null;
    if (remove) await this.users.deleteCredentialIfExists(token.userId, remove);
    await this.recovery.cancelPending(token.userId);
    // Last: a session the thief holds must not outlive the device removal (he could add another).
    await this.users.logoutEverywhere(token.userId);
    return remove;
  }

  private async recordFreeze(token: CancelTokenRow, removed: string | null, at: Date) {
    const user = await this.users.getIfExists(token.userId);
    const addresses = await this.addressesOf(token.userId, user?.email);
    const realmDefaultLocale = await this.options.defaultLocale?.();
    await this.options.db.transaction(async (tx) => {
      if (removed) await markRemoved(tx, this.realm, [removed], 'removed by the owner ("This wasn\'t me")', at);
      await recordCancellation(tx, this.realm, {
        userId: token.userId,
        tokenId: token.id,
        changeKind: token.changeKind,
        removedCredentialId: removed,
        at,
        details: { sessionsEnded: true, pendingRetirementStopped: true },
      });
      const email = frozenEmail({
        realm: this.realm,
        tokenId: token.id,
        realmDisplayName: this.options.realmDisplayName,
        deviceRemoved: Boolean(removed),
        locale: localeOf(user),
        realmDefaultLocale,
      });
      for (const recipient of addresses)
        await enqueueEmail(tx, { ...email, recipient, dedupeKey: `${email.dedupeKey}:${recipient.toLowerCase()}` });
    });
  }
}
