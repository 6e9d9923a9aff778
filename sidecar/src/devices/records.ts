/**
 * The device mirror in the store: OTP credentials' metadata only (id, label, created date, owner) —
 * never a secret — with when the sidecar first and last saw each and when it disappeared.
 */
import type { SqlExecutor } from '../store/database.js';
import { SqlFilter } from '../store/filter.js';
import { columnsOf } from '../store/unnest.js';

export interface DeviceOwner {
  userId: string;
  username: string;
  email?: string;
  /** the user's `locale` attribute: the language of their notices */
  locale?: string;
}

export interface ObservedDevice {
  credentialId: string;
  type: string;
  label?: string;
  createdAt?: Date;
}

export interface DeviceRow {
  credentialId: string;
  userId: string;
  username: string;
  email: string | null;
  type: string;
  label: string | null;
  createdAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  removedAt: string | null;
  removedReason: string | null;
}

export interface DeviceChange {
  kind: 'added' | 'removed';
  owner: DeviceOwner;
  device: { credentialId: string; label: string | null; createdAt?: Date };
  at: Date;
  reason?: string;
}

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

const toRow = (r: Record<string, unknown>): DeviceRow => ({
  credentialId: String(r.credential_id),
  userId: String(r.user_id),
  username: String(r.username),
  email: (r.email as string | null) ?? null,
  type: String(r.type),
  label: (r.label as string | null) ?? null,
  createdAt: iso(r.created_at),
  firstSeenAt: iso(r.first_seen_at) as string,
  lastSeenAt: iso(r.last_seen_at) as string,
  removedAt: iso(r.removed_at),
  removedReason: (r.removed_reason as string | null) ?? null,
});

/**
 * The removal reason when nothing says who removed a device: a full sync found it gone, or a re-read after
 * an event that does not say (Keycloak 26 records no event when a reset link's "Reset OTP" step removes
 * devices, so such a removal is found this way and must not be told as anything more specific).
 */
export const REMOVED_IN_KEYCLOAK = 'removed in Keycloak';

export interface ObservedUser {
  owner: DeviceOwner;
  devices: ObservedDevice[];
}

/**
 * Records what users have now — one user, or a page of them in a few statements: upserts the devices
 * seen and marks each user's other current devices as removed. Returns the additions and removals (for
 * notifications).
 */
export const recordDevicesOfUsers = async (
  db: SqlExecutor,
  realm: string,
  observed: ObservedUser[],
  at: Date,
  removedReason = REMOVED_IN_KEYCLOAK,
): Promise<DeviceChange[]> => {
  if (observed.length === 0) return [];
  const known = await db.query<{
    user_id: string;
    credential_id: string;
    label: string | null;
    removed_at: Date | null;
  }>('select user_id, credential_id, label, removed_at from otp_devices where realm = $1 and user_id = any($2)', [
    realm,
    observed.map((o) => o.owner.userId),
  ]);
  const knownById = new Map(known.map((k) => [k.credential_id, k]));
  const changes: DeviceChange[] = [];
  const seen = observed.flatMap(({ owner, devices }) => devices.map((device) => ({ owner, device })));
  for (const { owner, device } of seen) {
    const before = knownById.get(device.credentialId);
    if (!before || before.removed_at)
      changes.push({
        kind: 'added',
        owner,
        device: {
          credentialId: device.credentialId,
          label: device.label ?? null,
          ...(device.createdAt ? { createdAt: device.createdAt } : {}),
        },
        at,
      });
  }
  if (seen.length > 0) {
    const column = columnsOf(seen);
    await db.query(
      `insert into otp_devices
         (realm, credential_id, user_id, username, email, owner_locale, type, label, created_at, first_seen_at,
          last_seen_at)
       select $1, d.credential_id, d.user_id, d.username, d.email, d.owner_locale, d.type, d.label, d.created_at,
              $10, $10
         from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::timestamptz[])
           as d(credential_id, user_id, username, email, owner_locale, type, label, created_at)
       on conflict (realm, credential_id) do update set
         user_id = excluded.user_id, username = excluded.username, email = excluded.email,
         owner_locale = excluded.owner_locale, type = excluded.type, label = excluded.label,
         created_at = excluded.created_at, last_seen_at = excluded.last_seen_at, removed_at = null,
         removed_reason = null`,
      [
        realm,
        column((s) => s.device.credentialId),
        column((s) => s.owner.userId),
        column((s) => s.owner.username),
        column((s) => s.owner.email),
        column((s) => s.owner.locale),
        column((s) => s.device.type),
        column((s) => s.device.label),
        column((s) => s.device.createdAt),
        at,
      ],
    );
  }
  const present = new Set(seen.map((s) => s.device.credentialId));
  const owners = new Map(observed.map((o) => [o.owner.userId, o.owner]));
  const gone = known.filter((k) => !k.removed_at && !present.has(k.credential_id));
  if (gone.length > 0) {
    await db.query(
      'update otp_devices set removed_at = $3, removed_reason = $4 where realm = $1 and credential_id = any($2)',
      [realm, gone.map((g) => g.credential_id), at, removedReason],
    );
    for (const row of gone)
      changes.push({
        kind: 'removed',
        owner: owners.get(row.user_id) as DeviceOwner,
        device: { credentialId: row.credential_id, label: row.label },
        at,
        reason: removedReason,
      });
  }
  return changes;
};

/**
 * Marks current devices as removed, for a reason (a helpdesk removal, a recovery's retirement) — at `at`,
 * or at the database's now. Devices already marked keep their first removal.
 */
export const markRemoved = async (
  db: SqlExecutor,
  realm: string,
  credentialIds: string[],
  reason: string,
  at?: Date,
): Promise<void> => {
  if (credentialIds.length === 0) return;
  await db.query(
    `update otp_devices set removed_at = coalesce($4::timestamptz, now()), removed_reason = $3
      where realm = $1 and credential_id = any($2) and removed_at is null`,
    [realm, credentialIds, reason, at ?? null],
  );
};

/** A user's current devices that were first seen at or before `at` (what they had then). */
export const currentDevicesSeenBy = async (
  db: SqlExecutor,
  realm: string,
  userId: string,
  at: Date,
): Promise<{ credentialId: string; label: string | null }[]> =>
  (
    await db.query<{ credential_id: string; label: string | null }>(
      `select credential_id, label from otp_devices
        where realm = $1 and user_id = $2 and removed_at is null and first_seen_at <= $3`,
      [realm, userId, at],
    )
  ).map((d) => ({ credentialId: d.credential_id, label: d.label }));

/** Users with current devices not seen since `before` (candidates for removal after a full sync). */
export const usersNotSeenSince = async (db: SqlExecutor, realm: string, before: Date): Promise<string[]> =>
  (
    await db.query<{ user_id: string }>(
      'select distinct user_id from otp_devices where realm = $1 and removed_at is null and last_seen_at < $2',
      [realm, before],
    )
  ).map((r) => r.user_id);

/**
 * The owner as last seen, for a user Keycloak no longer has (their devices' removal is still told). The
 * locale is kept with the devices for this case: a deleted account cannot be asked for its language.
 */
export const knownOwner = async (db: SqlExecutor, realm: string, userId: string): Promise<DeviceOwner | undefined> => {
  const [row] = await db.query<{ username: string; email: string | null; owner_locale: string | null }>(
    `select username, email, owner_locale from otp_devices where realm = $1 and user_id = $2
      order by last_seen_at desc limit 1`,
    [realm, userId],
  );
  return row
    ? {
        userId,
        username: row.username,
        ...(row.email ? { email: row.email } : {}),
        ...(row.owner_locale ? { locale: row.owner_locale } : {}),
      }
    : undefined;
};

/** A user's devices, current first then removed, newest first; by user id or (case-insensitive) username. */
export const devicesOfUser = async (db: SqlExecutor, realm: string, idOrUsername: string): Promise<DeviceRow[]> =>
  (
    await db.query(
      `select * from otp_devices where realm = $1 and (user_id = $2 or lower(username) = lower($2))
        order by removed_at is not null, coalesce(created_at, first_seen_at) desc`,
      [realm, idOrUsername],
    )
  ).map(toRow);

export interface DeviceQuery {
  label?: string;
  createdFrom?: Date;
  createdTo?: Date;
  removed?: boolean;
  first: number;
  max: number;
}

export const findDevices = async (db: SqlExecutor, realm: string, query: DeviceQuery): Promise<DeviceRow[]> => {
  const filter = new SqlFilter('realm = ?', realm);
  if (query.label)
    filter.where("lower(label) like lower(?) escape '\\'", `%${query.label.replace(/[\\%_]/g, '\\$&')}%`);
  if (query.createdFrom) filter.where('created_at >= ?', query.createdFrom);
  if (query.createdTo) filter.where('created_at <= ?', query.createdTo);
  if (query.removed !== undefined) filter.where(query.removed ? 'removed_at is not null' : 'removed_at is null');
  const order = 'lower(username), coalesce(created_at, first_seen_at)';
  return (await db.query(`select * from otp_devices ${filter.clause(order, query)}`, filter.params)).map(toRow);
};
