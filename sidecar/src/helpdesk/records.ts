/**
 * The helpdesk in the store, and the only writer of its tables: `audit_log`, append-only (the table refuses
 * updates and deletes) and hash-chained (audit-chain.ts), `helpdesk_intents`, the write-ahead record of each
 * action (intents.ts), `helpdesk_verifications` (one-time codes, hashed), `helpdesk_approvals` (four eyes)
 * and `helpdesk_writes` (the per-staff rate limit, shared by replicas).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { lockKey, type SqlExecutor } from '../store/database.js';
import { SqlFilter } from '../store/filter.js';
import { type ChainReport, chainedFieldsOf, chainHash, type StoredLink, verifyLinks } from './audit-chain.js';

export interface AuditEntry {
  actorId: string;
  actorUsername: string;
  action: 'remove-device' | 'reset-otp' | 'send-setup-email' | 'verification' | 'approve';
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

/** Appends a row chained to the realm's last one; the realm's chain lock orders concurrent appends. */
export const appendAudit = async (db: SqlExecutor, realm: string, entry: AuditEntry): Promise<number> => {
  await db.query('select pg_advisory_xact_lock($1)', [lockKey(`audit-chain:${realm}`)]);
  const [last] = await db.query<{ hash: string | null }>(
    'select hash from audit_log where realm = $1 order by id desc limit 1',
    [realm],
  );
  const prevHash = last?.hash ?? null;
  const at = new Date();
  const fields = {
    realm,
    at,
    actorId: entry.actorId,
    actorUsername: entry.actorUsername,
    action: entry.action,
    targetUserId: entry.targetUserId,
    targetUsername: entry.targetUsername,
    credentialId: entry.credentialId ?? null,
    reason: entry.reason,
    ticket: entry.ticket ?? null,
    result: entry.result,
    details: entry.details ?? null,
  };
  const [row] = await db.query<{ id: number }>(
    `insert into audit_log (realm, at, actor_id, actor_username, action, target_user_id, target_username,
       credential_id, reason, ticket, result, details, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id`,
    [
      realm,
      at,
      entry.actorId,
      entry.actorUsername,
      entry.action,
      entry.targetUserId,
      entry.targetUsername,
      fields.credentialId,
      entry.reason,
      fields.ticket,
      entry.result,
      entry.details ? JSON.stringify(entry.details) : null,
      prevHash,
      chainHash(prevHash, fields),
    ],
  );
  return Number(row?.id);
};

const linkOf = (r: Record<string, unknown>): StoredLink => ({
  ...chainedFieldsOf(r),
  id: Number(r.id),
  prevHash: (r.prev_hash as string | null) ?? null,
  hash: (r.hash as string | null) ?? null,
});

/** Walks the chain of one realm (or of every realm) page by page and reports the first broken link. */
export const verifyAuditChain = async (db: SqlExecutor, realm?: string): Promise<ChainReport> => {
  const realms = realm
    ? [realm]
    : (await db.query<{ realm: string }>('select distinct realm from audit_log order by realm')).map((r) => r.realm);
  let rows = 0;
  let head: string | null = null;
  for (const name of realms) {
    let after = 0;
    let prev: string | null = null;
    for (;;) {
      const page = await db.query<Record<string, unknown>>(
        'select * from audit_log where realm = $1 and id > $2 order by id limit 500',
        [name, after],
      );
      if (page.length === 0) break;
      const links = page.map(linkOf);
      const result = verifyLinks(links, prev);
      if (!result.ok)
        return {
          ok: false,
          rows,
          head: result.head,
          ...(result.firstBroken ? { firstBroken: result.firstBroken } : {}),
        };
      rows += links.length;
      prev = result.last;
      after = links[links.length - 1]?.id ?? after;
    }
    head = prev;
  }
  return { ok: true, rows, head };
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
  owner: { email: string | undefined; locale: string | undefined },
): Promise<number> => {
  const [row] = await db.query<{ id: string }>(
    'insert into helpdesk_intents (realm, action, owner_email, owner_locale) values ($1, $2, $3, $4) returning id',
    [realm, JSON.stringify(action), owner.email ?? null, owner.locale ?? null],
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
): Promise<{ action: IntendedAction; ownerEmail: string | null; ownerLocale: string | null } | undefined> => {
  const [intent] = await db.query<{ action: IntendedAction; owner_email: string | null; owner_locale: string | null }>(
    'select action, owner_email, owner_locale from helpdesk_intents where id = $1 and finished_at is null',
    [id],
  );
  return intent
    ? { action: intent.action, ownerEmail: intent.owner_email, ownerLocale: intent.owner_locale }
    : undefined;
};

/** One-time codes: random 6 digits, kept as sha-256 of a per-code salt and the code. */
const codeHash = (salt: string, code: string) => createHash('sha256').update(salt).update(code).digest('hex');

export const createVerification = async (
  db: SqlExecutor,
  v: { realm: string; userId: string; requestedBy: string; code: string; minutes: number },
): Promise<number> => {
  const salt = randomBytes(16).toString('hex');
  const [row] = await db.query<{ id: string }>(
    `insert into helpdesk_verifications (realm, user_id, requested_by, salt, code_hash, expires_at)
     values ($1, $2, $3, $4, $5, now() + make_interval(mins => $6)) returning id`,
    [v.realm, v.userId, v.requestedBy, salt, codeHash(salt, v.code), v.minutes],
  );
  return Number(row?.id);
};

export type CodeCheck = 'ok' | 'wrong' | 'expired' | 'used' | 'too-many-tries' | 'unknown';

/**
 * Spends one try of a code of this user (atomically, so replicas share the count) and, when the code
 * matches, marks it used — only the first of two racing correct answers wins.
 */
export const checkVerification = async (
  db: SqlExecutor,
  v: { realm: string; userId: string; id: number; code: string; maxTries: number },
): Promise<CodeCheck> => {
  const [row] = await db.query<{ salt: string; code_hash: string; used: boolean; expired: boolean; attempts: number }>(
    `select salt, code_hash, used_at is not null as used, expires_at <= now() as expired, attempts
       from helpdesk_verifications where id = $1 and realm = $2 and user_id = $3`,
    [v.id, v.realm, v.userId],
  );
  if (!row) return 'unknown';
  if (row.used) return 'used';
  if (row.expired) return 'expired';
  const spent = await db.query(
    'update helpdesk_verifications set attempts = attempts + 1 where id = $1 and used_at is null and attempts < $2 returning id',
    [v.id, v.maxTries],
  );
  if (spent.length === 0) return 'too-many-tries';
  const expected = Buffer.from(row.code_hash, 'hex');
  const given = Buffer.from(codeHash(row.salt, v.code), 'hex');
  if (!timingSafeEqual(expected, given)) return 'wrong';
  const used = await db.query(
    'update helpdesk_verifications set used_at = now() where id = $1 and used_at is null returning id',
    [v.id],
  );
  return used.length === 1 ? 'ok' : 'used';
};

/**
 * Counts a write of this staff member unless they reached `perHour` in the last hour; false = refused.
 * Under a transaction lock per actor, so replicas racing on one person's writes count each one.
 */
export const countStaffWrite = async (
  db: SqlExecutor,
  realm: string,
  actorId: string,
  perHour: number,
): Promise<boolean> => {
  await db.query('select pg_advisory_xact_lock($1)', [lockKey(`helpdesk-writes:${realm}:${actorId}`)]);
  const [row] = await db.query<{ n: string }>(
    `select count(*) as n from helpdesk_writes where realm = $1 and actor_id = $2 and at > now() - interval '1 hour'`,
    [realm, actorId],
  );
  if (Number(row?.n) >= perHour) return false;
  await db.query('insert into helpdesk_writes (realm, actor_id) values ($1, $2)', [realm, actorId]);
  return true;
};

/**
 * A pending approval lapses after this long: the caller was verified when it was asked, and a stale request
 * should be asked (and verified) again rather than approved days later.
 */
const APPROVAL_LIVE = `requested_at > now() - interval '24 hours'`;

/** A write on a protected account waiting for a second helpdesk admin (four eyes). */
export interface PendingApproval {
  id: number;
  request: Record<string, unknown>;
  requestedById: string;
  requestedByUsername: string;
  targetUserId: string;
  targetUsername: string;
  requestedAt: string;
}

export const openApproval = async (
  db: SqlExecutor,
  realm: string,
  a: Omit<PendingApproval, 'id' | 'requestedAt'>,
): Promise<number> => {
  const [row] = await db.query<{ id: string }>(
    `insert into helpdesk_approvals (realm, request, requested_by_id, requested_by_username, target_user_id,
       target_username) values ($1, $2, $3, $4, $5, $6) returning id`,
    [realm, JSON.stringify(a.request), a.requestedById, a.requestedByUsername, a.targetUserId, a.targetUsername],
  );
  return Number(row?.id);
};

const toApproval = (r: Record<string, unknown>): PendingApproval => ({
  id: Number(r.id),
  request: r.request as Record<string, unknown>,
  requestedById: String(r.requested_by_id),
  requestedByUsername: String(r.requested_by_username),
  targetUserId: String(r.target_user_id),
  targetUsername: String(r.target_username),
  requestedAt: new Date(r.requested_at as string).toISOString(),
});

export const pendingApprovals = async (db: SqlExecutor, realm: string): Promise<PendingApproval[]> =>
  (
    await db.query<Record<string, unknown>>(
      `select * from helpdesk_approvals where realm = $1 and status = 'pending' and ${APPROVAL_LIVE}
        order by requested_at limit 200`,
      [realm],
    )
  ).map(toApproval);

/** Takes a pending approval for the approver (only one approver wins); undefined when none is pending. */
export const takeApproval = async (
  db: SqlExecutor,
  realm: string,
  id: number,
  approver: string,
): Promise<PendingApproval | undefined> => {
  const [row] = await db.query<Record<string, unknown>>(
    `update helpdesk_approvals set status = 'approved', decided_by_username = $3, decided_at = now()
      where id = $1 and realm = $2 and status = 'pending' and ${APPROVAL_LIVE} returning *`,
    [id, realm, approver],
  );
  return row ? toApproval(row) : undefined;
};

export const approvalOf = async (db: SqlExecutor, realm: string, id: number): Promise<PendingApproval | undefined> => {
  const [row] = await db.query<Record<string, unknown>>(
    `select * from helpdesk_approvals where id = $1 and realm = $2 and status = 'pending' and ${APPROVAL_LIVE}`,
    [id, realm],
  );
  return row ? toApproval(row) : undefined;
};
