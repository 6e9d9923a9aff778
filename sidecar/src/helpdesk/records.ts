/**
 * The helpdesk in the store, and the only writer of its two tables: `audit_log`, append-only (the table
 * refuses updates and deletes), and `helpdesk_intents`, the write-ahead record of each action (intents.ts).
 */
import type { SqlExecutor } from '../store/database.js';
import { SqlFilter } from '../store/filter.js';

export interface AuditEntry {
  actorId: string;
  actorUsername: string;
  action: 'remove-device' | 'reset-otp' | 'send-setup-email';
  targetUserId: string;
  targetUsername: string;
  credentialId?: string;
  reason: string;
  ticket?: string;
  result: string;
  details?: Record<string, unknown>;
}

export interface AuditRow extends AuditEntry {
  id: number;
  at: string;
}

/** An action as intended, before its result is known. */
export type IntendedAction = Omit<AuditEntry, 'result' | 'credentialId' | 'details'>;

export const appendAudit = async (db: SqlExecutor, realm: string, entry: AuditEntry): Promise<number> => {
  const [row] = await db.query<{ id: number }>(
    `insert into audit_log (realm, actor_id, actor_username, action, target_user_id, target_username, credential_id,
       reason, ticket, result, details)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
    [
      realm,
      entry.actorId,
      entry.actorUsername,
      entry.action,
      entry.targetUserId,
      entry.targetUsername,
      entry.credentialId ?? null,
      entry.reason,
      entry.ticket ?? null,
      entry.result,
      entry.details ? JSON.stringify(entry.details) : null,
    ],
  );
  return Number(row?.id);
};

export interface AuditQuery {
  actor?: string;
  target?: string;
  action?: string;
  from?: Date;
  to?: Date;
  first: number;
  max: number;
}

const toAuditRow = (r: Record<string, unknown>): AuditRow => ({
  id: Number(r.id),
  at: new Date(r.at as string).toISOString(),
  actorId: String(r.actor_id),
  actorUsername: String(r.actor_username),
  action: r.action as AuditEntry['action'],
  targetUserId: String(r.target_user_id),
  targetUsername: String(r.target_username),
  ...(r.credential_id ? { credentialId: String(r.credential_id) } : {}),
  reason: String(r.reason),
  ...(r.ticket ? { ticket: String(r.ticket) } : {}),
  result: String(r.result),
  ...(r.details ? { details: r.details as Record<string, unknown> } : {}),
});

export const findAudit = async (db: SqlExecutor, realm: string, query: AuditQuery): Promise<AuditRow[]> => {
  const filter = new SqlFilter('realm = ?', realm);
  if (query.actor) filter.where('(actor_id = ? or lower(actor_username) = lower(?))', query.actor);
  if (query.target) filter.where('(target_user_id = ? or lower(target_username) = lower(?))', query.target);
  if (query.action) filter.where('action = ?', query.action);
  if (query.from) filter.where('at >= ?', query.from);
  if (query.to) filter.where('at <= ?', query.to);
  const rows = await db.query<Record<string, unknown>>(
    `select * from audit_log ${filter.clause('at desc, id desc', query)}`,
    filter.params,
  );
  return rows.map(toAuditRow);
};

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

/** Ids of the intents still open that were started more than `seconds` ago, oldest first. */
export const openIntentsOlderThan = async (db: SqlExecutor, realm: string, seconds: number): Promise<number[]> =>
  (
    await db.query<{ id: string }>(
      `select id from helpdesk_intents where realm = $1 and finished_at is null
        and started_at < now() - make_interval(secs => $2) order by id`,
      [realm, seconds],
    )
  ).map((r) => Number(r.id));

/** The intent if it is still open: what was intended, and whom to tell. */
export const openIntentOf = async (
  db: SqlExecutor,
  id: number,
): Promise<{ action: IntendedAction; ownerEmail: string | null } | undefined> => {
  const [intent] = await db.query<{ action: IntendedAction; owner_email: string | null }>(
    'select action, owner_email from helpdesk_intents where id = $1 and finished_at is null',
    [id],
  );
  return intent ? { action: intent.action, ownerEmail: intent.owner_email } : undefined;
};
