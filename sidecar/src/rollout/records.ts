/**
 * The rollout's history in the store: `rollout_snapshots` (one row per realm, UTC day and group path, this
 * module its sole writer), and read-only weekly counts from the tables other capabilities own
 * (`reminders`, `recovery_requests`, `audit_log`) and the live counts of `enforcement_users`.
 */
import type { SqlExecutor } from '../store/database.js';

/** The whole realm's row in `rollout_snapshots`. */
export const ALL_GROUPS = '*';

export interface RolloutCounts {
  /** users who must have OTP */
  required: number;
  /** required users with OTP */
  enrolled: number;
  /** required users still without OTP (the compliance API's `missing`) */
  pending: number;
  /** users seen who need no OTP (disabled, service accounts, out of scope, exempt) */
  exempt: number;
}

export interface Snapshot extends RolloutCounts {
  day: string;
  groupPath: string;
}

export interface WeekCount {
  /** the Monday (UTC) that starts the week, YYYY-MM-DD */
  week: string;
  count: number;
}

const COUNTS_SQL = `count(*) filter (where required) as required,
            count(*) filter (where required and has_otp) as enrolled,
            count(*) filter (where required and not has_otp) as pending,
            count(*) filter (where not required) as exempt`;

const countsOf = (row: Record<string, string | number> | undefined): RolloutCounts => ({
  required: Number(row?.required ?? 0),
  enrolled: Number(row?.enrolled ?? 0),
  pending: Number(row?.pending ?? 0),
  exempt: Number(row?.exempt ?? 0),
});

/** The realm's counts now, from the enforcement records (the same rows the compliance API counts). */
export const currentCounts = async (db: SqlExecutor, realm: string): Promise<RolloutCounts> => {
  const [row] = await db.query<Record<string, string | number>>(
    `select ${COUNTS_SQL} from enforcement_users where realm = $1`,
    [realm],
  );
  return countsOf(row);
};

/** The counts among these users (a group's members) now. */
export const countsAmong = async (db: SqlExecutor, realm: string, userIds: string[]): Promise<RolloutCounts> => {
  if (userIds.length === 0) return countsOf(undefined);
  const [row] = await db.query<Record<string, string | number>>(
    `select ${COUNTS_SQL} from enforcement_users where realm = $1 and user_id = any($2)`,
    [realm, userIds],
  );
  return countsOf(row);
};

/** Writes the day's snapshot rows; a second pass the same day replaces them (one row per day and group). */
export const saveSnapshots = async (db: SqlExecutor, realm: string, snapshots: Snapshot[], takenAt: Date) => {
  for (const s of snapshots)
    await db.query(
      `insert into rollout_snapshots (realm, day, group_path, required, enrolled, pending, exempt, taken_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (realm, day, group_path) do update set required = excluded.required,
         enrolled = excluded.enrolled, pending = excluded.pending, exempt = excluded.exempt,
         taken_at = excluded.taken_at`,
      [realm, s.day, s.groupPath, s.required, s.enrolled, s.pending, s.exempt, takenAt],
    );
};

/** Every snapshot of the realm from `sinceDay` on, by day then group. */
export const snapshotsSince = async (db: SqlExecutor, realm: string, sinceDay: string): Promise<Snapshot[]> => {
  const rows = await db.query<{
    day: string;
    group_path: string;
    required: number;
    enrolled: number;
    pending: number;
    exempt: number;
  }>(
    `select day, group_path, required, enrolled, pending, exempt from rollout_snapshots
      where realm = $1 and day >= $2 order by day, group_path`,
    [realm, sinceDay],
  );
  return rows.map((r) => ({ day: r.day, groupPath: r.group_path, ...countsOf(r as never) }));
};

/**
 * What is counted per week, from which table and time column (read only: other capabilities own them).
 * `reminders` keeps each user's latest reminder only, so a user reminded in several weeks counts in the
 * last of them: a lower bound of the emails sent. Recoveries are requests of any source, by the week made.
 * Helpdesk actions are the changes staff made to a second factor (a removed device, a reset) that succeeded —
 * not verifications, approvals or refused attempts, which the audit log also keeps.
 */
const WEEKLY = {
  reminders: { table: 'reminders', at: 'last_sent_at', where: '' },
  recoveries: { table: 'recovery_requests', at: 'requested_at', where: '' },
  helpdeskActions: {
    table: 'audit_log',
    at: 'at',
    where: ` and action in ('remove-device', 'reset-otp') and result = 'ok'`,
  },
} as const;

export type WeeklyKind = keyof typeof WEEKLY;

/** Rows of `kind` per UTC week (starting Monday) from `since` on; weeks without any are left out. */
export const perWeek = async (db: SqlExecutor, kind: WeeklyKind, realm: string, since: Date): Promise<WeekCount[]> => {
  const { table, at, where } = WEEKLY[kind];
  const rows = await db.query<{ week: string; count: string | number }>(
    `select to_char(date_trunc('week', ${at} at time zone 'UTC'), 'YYYY-MM-DD') as week, count(*) as count
       from ${table} where realm = $1 and ${at} >= $2${where} group by 1 order by 1`,
    [realm, since],
  );
  return rows.map((r) => ({ week: r.week, count: Number(r.count) }));
};
