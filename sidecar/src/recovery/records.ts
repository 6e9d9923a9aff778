/**
 * Recovery requests in the store, and the only writer of `recovery_requests` and `recovery_rate_hits`.
 * A request is open until its link expires; the device created through its link becomes its *pending*
 * device; proof (a fresh sign-in, or the link itself at `email-only`) sets `proven_at` and when the old
 * devices go (`retire_at`); the request ends with an outcome: retired, expired, cancelled — or, for a
 * helpdesk setup link (which retires nothing: the helpdesk already removed what it removed), kept.
 * `level` is the proof the request's device needs: the realm's level for self-service and Keycloak resets;
 * for a helpdesk link `password-and-email` (a sign-in), or `email-only` (the link) where the realm chose it
 * and the account is not protected (recovery.ts, `sendSetupLink`).
 */
import type { RecoveryLevel } from '../../../realm-files/src/index.js';
import type { SqlExecutor } from '../store/database.js';

export type RecoverySource = 'self-service' | 'keycloak-reset' | 'helpdesk';
export type RecoveryOutcome = 'retired' | 'kept' | 'expired' | 'cancelled';

export interface RecoveryRequest {
  id: string;
  userId: string;
  source: RecoverySource;
  level: RecoveryLevel;
  requestedAt: Date;
  pendingCredentialId: string | null;
  pendingSince: Date | null;
  passwordUpdatedAt: Date | null;
  provenAt: Date | null;
  retireAt: Date | null;
}

const date = (value: unknown) => (value ? new Date(value as string) : null);

const toRequest = (r: Record<string, unknown>): RecoveryRequest => ({
  id: String(r.id),
  userId: String(r.user_id),
  source: r.source as RecoverySource,
  level: (r.level as RecoveryLevel | null) ?? 'password-and-email',
  requestedAt: new Date(r.requested_at as string),
  pendingCredentialId: (r.pending_credential_id as string | null) ?? null,
  pendingSince: date(r.pending_since),
  passwordUpdatedAt: date(r.password_updated_at),
  provenAt: date(r.proven_at),
  retireAt: date(r.retire_at),
});

export const insertRequest = async (
  db: SqlExecutor,
  realm: string,
  request: { userId: string; source: RecoverySource; level: RecoveryLevel; requestedAt: Date; expiresAt: Date },
): Promise<void> => {
  await db.query(
    `insert into recovery_requests (realm, user_id, source, level, requested_at, expires_at)
     values ($1, $2, $3, $4, $5, $6)`,
    [realm, request.userId, request.source, request.level, request.requestedAt, request.expiresAt],
  );
};

/** The user's newest request of these sources whose link was valid at `at` and that has no device yet. */
export const requestAwaitingDevice = async (
  db: SqlExecutor,
  realm: string,
  userId: string,
  sources: RecoverySource[],
  at: Date,
): Promise<RecoveryRequest | undefined> => {
  const [row] = await db.query(
    `select * from recovery_requests
      where realm = $1 and user_id = $2 and source = any($3) and completed_at is null and pending_credential_id is null
        and requested_at <= $4 and expires_at > $4
      order by requested_at desc limit 1`,
    [realm, userId, sources, at],
  );
  return row ? toRequest(row) : undefined;
};

/** The user's requests that hold a device and are not finished (pending proof, or proven and cooling off). */
export const unfinishedWithDevice = async (
  db: SqlExecutor,
  realm: string,
  userId: string,
): Promise<RecoveryRequest[]> =>
  (
    await db.query(
      `select * from recovery_requests
        where realm = $1 and user_id = $2 and completed_at is null and pending_credential_id is not null
        order by requested_at`,
      [realm, userId],
    )
  ).map(toRequest);

/** The user's newest Keycloak "Forgot Password?" request valid at `at` and not finished. */
export const openResetRequest = async (
  db: SqlExecutor,
  realm: string,
  userId: string,
  at: Date,
): Promise<RecoveryRequest | undefined> => {
  const [row] = await db.query(
    `select * from recovery_requests
      where realm = $1 and user_id = $2 and source = 'keycloak-reset' and completed_at is null and proven_at is null
        and requested_at <= $3 and expires_at > $3
      order by requested_at desc limit 1`,
    [realm, userId, at],
  );
  return row ? toRequest(row) : undefined;
};

export const setPendingDevice = async (db: SqlExecutor, id: string, credentialId: string, since: Date) => {
  await db.query(
    'update recovery_requests set pending_credential_id = $2, pending_since = $3 where id = $1 and pending_credential_id is null',
    [id, credentialId, since],
  );
};

export const setPasswordUpdated = async (db: SqlExecutor, id: string, at: Date) => {
  await db.query('update recovery_requests set password_updated_at = $2 where id = $1', [id, at]);
};

export const markProven = async (db: SqlExecutor, id: string, at: Date, retireAt: Date) => {
  await db.query(
    'update recovery_requests set proven_at = $2, retire_at = $3 where id = $1 and proven_at is null and completed_at is null',
    [id, at, retireAt],
  );
};

/** Pending devices not proven in time: created before `cutoff`, still waiting. */
export const unprovenSince = async (db: SqlExecutor, realm: string, cutoff: Date): Promise<RecoveryRequest[]> =>
  (
    await db.query(
      `select * from recovery_requests
        where realm = $1 and completed_at is null and proven_at is null and pending_since < $2`,
      [realm, cutoff],
    )
  ).map(toRequest);

/** Proven requests whose cooling-off has passed. */
export const dueRetirements = async (db: SqlExecutor, realm: string, now: Date): Promise<RecoveryRequest[]> =>
  (
    await db.query(
      `select * from recovery_requests
        where realm = $1 and completed_at is null and proven_at is not null and retire_at <= $2`,
      [realm, now],
    )
  ).map(toRequest);

export const finishRequest = async (
  db: SqlExecutor,
  id: string,
  at: Date,
  outcome: RecoveryOutcome,
  retiredCredentialIds: string[] = [],
) => {
  await db.query(
    `update recovery_requests set completed_at = $2, outcome = $3, retired_credential_ids = $4
      where id = $1 and completed_at is null`,
    [id, at, outcome, retiredCredentialIds],
  );
};

/**
 * Counts one hit for `key` and says whether it stays within `limit` hits since `since` — in the store, so
 * every replica counts the same hits. Old hits of the key are dropped on the way.
 */
export const hitWithinLimit = async (
  db: SqlExecutor,
  realm: string,
  key: string,
  limit: number,
  since: Date,
  at: Date,
): Promise<boolean> => {
  await db.query('delete from recovery_rate_hits where realm = $1 and key = $2 and at <= $3', [realm, key, since]);
  // Counted no further than the limit: the cost per request stays bounded however high the limit is set.
  const [row] = await db.query<{ n: string | number }>(
    `select count(*) as n from (
       select 1 from recovery_rate_hits where realm = $1 and key = $2 and at > $3 limit $4
     ) hits`,
    [realm, key, since, limit],
  );
  if (Number(row?.n ?? 0) >= limit) return false;
  await db.query('insert into recovery_rate_hits (realm, key, at) values ($1, $2, $3)', [realm, key, at]);
  return true;
};
