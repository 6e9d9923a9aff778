/** The helpdesk's append-only audit log (the table refuses updates and deletes). */
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
  return rows.map((r) => ({
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
  }));
};
