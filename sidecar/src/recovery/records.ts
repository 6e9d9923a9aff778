/**
 * Recovery requests in the store, and the only writer of `recovery_requests`: a request is open until it
 * is completed or expires; completing it records which devices were retired.
 */
import type { DeviceOwner } from '../devices/records.js';
import type { SqlExecutor } from '../store/database.js';

export type RecoverySource = 'self-service' | 'keycloak-reset' | 'helpdesk';

export const insertRequest = async (
  db: SqlExecutor,
  realm: string,
  request: { userId: string; source: RecoverySource; requestedAt: Date; expiresAt: Date },
): Promise<void> => {
  await db.query(
    `insert into recovery_requests (realm, user_id, source, requested_at, expires_at) values ($1, $2, $3, $4, $5)`,
    [realm, request.userId, request.source, request.requestedAt, request.expiresAt],
  );
};

/** The user's oldest request open at `now` (requested by then, not expired, not completed). */
export const oldestOpenRequest = async (
  db: SqlExecutor,
  realm: string,
  userId: string,
  now: Date,
): Promise<{ id: string; requestedAt: Date } | undefined> => {
  const [request] = await db.query<{ id: string; requested_at: Date }>(
    `select id, requested_at from recovery_requests
      where realm = $1 and user_id = $2 and completed_at is null and expires_at > $3 and requested_at <= $3
      order by requested_at limit 1`,
    [realm, userId, now],
  );
  return request ? { id: request.id, requestedAt: new Date(request.requested_at) } : undefined;
};

/** Owners of a device first seen after their open request: a swap the mirror saw begin but not finish. */
export const ownersWithUnfinishedSwap = async (db: SqlExecutor, realm: string, now: Date): Promise<DeviceOwner[]> =>
  (
    await db.query<{ user_id: string; username: string; email: string | null }>(
      `select distinct d.user_id, d.username, d.email from recovery_requests r
         join otp_devices d on d.realm = r.realm and d.user_id = r.user_id
        where r.realm = $1 and r.completed_at is null and r.expires_at > $2 and r.requested_at <= $2
          and d.removed_at is null and d.first_seen_at > r.requested_at`,
      [realm, now],
    )
  ).map((o) => ({ userId: o.user_id, username: o.username, ...(o.email ? { email: o.email } : {}) }));

export const markCompleted = async (db: SqlExecutor, id: string, at: Date, retiredCredentialIds: string[]) => {
  await db.query('update recovery_requests set completed_at = $2, retired_credential_ids = $3 where id = $1', [
    id,
    at,
    retiredCredentialIds,
  ]);
};
