/**
 * Write-ahead records of helpdesk actions, so the audit log stays complete when a sidecar dies in the
 * middle of one. An intent is written before Keycloak is touched and closed in the same transaction as
 * the action's audit entry. The process working on an intent holds a database lock named after it; an
 * open intent whose lock is free belongs to a process that died, and `closeInterrupted` records it as
 * interrupted, with what Keycloak shows now, and tells the owner.
 */
import type { KeycloakUsers } from '../keycloak/users.js';
import type { RealmDefaultLocale } from '../mail/compose.js';
import { enqueueEmail } from '../mail/outbox.js';
import type { ChangeNotices } from '../notices/notices.js';
import type { SqlDatabase, SqlExecutor } from '../store/database.js';
import { helpdeskActionEmail } from './helpdesk-email.js';
import {
  type AuditEntry,
  appendAudit,
  closeIntent,
  type IntendedAction,
  openIntentOf,
  openIntentsOlderThan,
} from './records.js';

export const intentLock = (id: number) => `helpdesk-intent:${id}`;

/**
 * Closes an intent with its audit entry and the owner's notice (for actions that changed their
 * authenticators, when they have an email): call it in one transaction, so all land or none.
 */
export const settleIntent = async (
  tx: SqlExecutor,
  intentId: number,
  realm: string,
  entry: AuditEntry,
  notice: {
    ownerEmail?: string | null;
    /** the owner's `locale` attribute, and the realm's default for owners without one */
    ownerLocale?: string | null;
    realmDefaultLocale?: string | undefined;
    label?: string;
    realmDisplayName: string;
    interrupted?: boolean;
    /** gives the notice its "This wasn't me" link and sends it to every address on file */
    notices?: ChangeNotices | undefined;
    /** a setup link went out: where and how soon the owner proves its device */
    completeNext?: { url: string; minutes: number };
  },
): Promise<number> => {
  await closeIntent(tx, intentId);
  const auditId = await appendAudit(tx, realm, entry);
  // Only a removal or a reset changes the owner's second factor (verifications, approvals and setup emails do not).
  const action = entry.action;
  if (!(action === 'remove-device' || action === 'reset-otp') || !notice.ownerEmail) return auditId;
  const email = (cancelUrl?: string) =>
    helpdeskActionEmail({
      realm,
      auditId,
      action,
      username: entry.targetUsername,
      email: notice.ownerEmail as string,
      locale: notice.ownerLocale ?? undefined,
      realmDefaultLocale: notice.realmDefaultLocale,
      ...(notice.label ? { label: notice.label } : {}),
      reason: entry.reason,
      realmDisplayName: notice.realmDisplayName,
      ...(notice.interrupted ? { interrupted: true } : {}),
      ...(notice.completeNext ? { completeNext: notice.completeNext } : {}),
      ...(cancelUrl ? { cancelUrl } : {}),
    });
  const kind = action === 'remove-device' ? ('device-removed' as const) : ('devices-reset' as const);
  if (notice.notices) await notice.notices.announce(tx, { userId: entry.targetUserId, kind }, notice.ownerEmail, email);
  else await enqueueEmail(tx, email());
  return auditId;
};

/** Intents younger than this may still be between their insert and their lock. */
const SETTLE_SECONDS = 5;

/** Where interrupted intents are closed: the store, the realm's users in Keycloak, how emails name the realm. */
export interface IntentsOf {
  db: SqlDatabase;
  users: KeycloakUsers;
  realm: string;
  realmDisplayName: string;
  notices?: ChangeNotices;
  /** the language of owners without a `locale` attribute */
  defaultLocale?: RealmDefaultLocale;
}

export const closeInterrupted = async (of: IntentsOf): Promise<number> => {
  const { db, realm } = of;
  let closed = 0;
  for (const id of await openIntentsOlderThan(db, realm, SETTLE_SECONDS)) {
    const done = await db.withLock(intentLock(id), async () => {
      const intent = await openIntentOf(db, id);
      if (!intent) return false;
      await recordInterrupted(of, id, intent);
      return true;
    });
    if (done) closed += 1;
  }
  return closed;
};

const recordInterrupted = async (
  { db, users, realm, realmDisplayName, notices, defaultLocale }: IntentsOf,
  intentId: number,
  intent: { action: IntendedAction; ownerEmail: string | null; ownerLocale: string | null },
) => {
  const action = intent.action;
  // What the account has now, for whoever reads the audit: the change may have been done in part.
  const devices = await users.otpCredentialsIfExists(action.targetUserId);
  const realmDefaultLocale = await defaultLocale?.();
  await db.transaction((tx) =>
    settleIntent(
      tx,
      intentId,
      realm,
      {
        ...action,
        result: 'interrupted: the sidecar stopped during the change; details show the account afterwards',
        details: {
          otpDevicesAfterwards: devices.map((c) => ({ id: c.id, label: c.userLabel ?? null })),
        },
      },
      {
        ownerEmail: intent.ownerEmail,
        ownerLocale: intent.ownerLocale,
        realmDefaultLocale,
        realmDisplayName,
        interrupted: true,
        notices,
      },
    ),
  );
};
