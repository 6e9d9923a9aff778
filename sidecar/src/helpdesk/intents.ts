/**
 * Write-ahead records of helpdesk actions, so the audit log stays complete when a sidecar dies in the
 * middle of one. An intent is written before Keycloak is touched and closed in the same transaction as
 * the action's audit entry. The process working on an intent holds a database lock named after it; an
 * open intent whose lock is free belongs to a process that died, and `closeInterrupted` records it as
 * interrupted, with what Keycloak shows now, and tells the owner.
 */
import { type KeycloakConnection, whenStatus } from '../keycloak/connection.js';
import { enqueueEmail } from '../mail/outbox.js';
import type { SqlDatabase, SqlExecutor } from '../store/database.js';
import { type AuditEntry, appendAudit } from './audit.js';
import { helpdeskActionEmail } from './helpdesk-email.js';

export type IntendedAction = Omit<AuditEntry, 'result' | 'credentialId' | 'details'>;

export const intentLock = (id: number) => `helpdesk-intent:${id}`;

export const openIntent = async (
  db: SqlExecutor,
  realm: string,
  action: IntendedAction,
  ownerEmail: string | undefined,
): Promise<number> => {
  const [row] = await db.query<{ id: string }>(
    'insert into helpdesk_intents (realm, action, owner_email) values ($1, $2, $3) returning id',
    [realm, JSON.stringify(action), ownerEmail ?? null],
  );
  return Number(row?.id);
};

export const closeIntent = async (db: SqlExecutor, id: number) => {
  await db.query('update helpdesk_intents set finished_at = now() where id = $1', [id]);
};

/** Intents younger than this may still be between their insert and their lock. */
const SETTLE_SECONDS = 5;

export const closeInterrupted = async (
  db: SqlDatabase,
  keycloak: KeycloakConnection,
  realm: string,
  realmDisplayName: string,
): Promise<number> => {
  const open = await db.query<{ id: string }>(
    `select id from helpdesk_intents where realm = $1 and finished_at is null
      and started_at < now() - make_interval(secs => $2) order by id`,
    [realm, SETTLE_SECONDS],
  );
  let closed = 0;
  for (const { id } of open) {
    const done = await db.withLock(intentLock(Number(id)), async () => {
      const [intent] = await db.query<{ action: IntendedAction; owner_email: string | null }>(
        'select action, owner_email from helpdesk_intents where id = $1 and finished_at is null',
        [id],
      );
      if (!intent) return false;
      const action = intent.action;
      // What the account has now, for whoever reads the audit: the change may have been done in part.
      const credentials = await keycloak.call('getCredentials', (c) =>
        c.users.getCredentials({ realm, id: action.targetUserId }).catch(whenStatus(404, [])),
      );
      await db.transaction(async (tx) => {
        const auditId = await appendAudit(tx, realm, {
          ...action,
          result: 'interrupted: the sidecar stopped during the change; details show the account afterwards',
          details: {
            otpDevicesAfterwards: credentials
              .filter((c) => c.type === 'otp')
              .map((c) => ({ id: c.id, label: c.userLabel ?? null })),
          },
        });
        if (intent.owner_email && action.action !== 'send-setup-email')
          await enqueueEmail(
            tx,
            helpdeskActionEmail({
              realm,
              auditId,
              action: action.action,
              username: action.targetUsername,
              email: intent.owner_email,
              reason: action.reason,
              realmDisplayName,
              interrupted: true,
            }),
          );
        await closeIntent(tx, Number(id));
      });
      return true;
    });
    if (done) closed += 1;
  }
  return closed;
};
