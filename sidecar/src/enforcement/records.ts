/** The enforcement state in the store: one row per user seen, and when each was last reminded. */
import type { SqlExecutor } from '../store/database.js';
import { columnsOf } from '../store/unnest.js';
import type { Decision, UserFacts } from './policy.js';

export interface ComplianceCounts {
  users: number;
  required: number;
  withOtp: number;
  pending: number;
  missing: number;
}

export interface NonCompliantUser {
  userId: string;
  username: string;
  email: string | null;
  deadline: string | null;
  pending: boolean;
}

/**
 * Saves the decisions of a page of users in one statement (arrays unnested), so a pass over 10^5 users
 * costs a few hundred round trips to the database, not 10^5.
 */
export const saveDecisions = async (
  db: SqlExecutor,
  realm: string,
  decided: { user: UserFacts; decision: Decision }[],
  seenAt: Date,
) => {
  if (decided.length === 0) return;
  const column = columnsOf(decided);
  await db.query(
    `insert into enforcement_users
       (realm, user_id, username, email, enabled, created_at, required, has_otp, pending, deadline, exempt_reason, seen_at)
     select $1, u.user_id, u.username, u.email, u.enabled, u.created_at, u.required, u.has_otp, u.pending, u.deadline,
            u.exempt_reason, $12
       from unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[], $7::boolean[],
                   $8::boolean[], $9::boolean[], $10::timestamptz[], $11::text[])
         as u(user_id, username, email, enabled, created_at, required, has_otp, pending, deadline, exempt_reason)
     on conflict (realm, user_id) do update set
       username = excluded.username, email = excluded.email, enabled = excluded.enabled,
       created_at = excluded.created_at, required = excluded.required, has_otp = excluded.has_otp,
       pending = excluded.pending, deadline = excluded.deadline, exempt_reason = excluded.exempt_reason,
       seen_at = excluded.seen_at`,
    [
      realm,
      column((d) => d.user.id),
      column((d) => d.user.username),
      column((d) => d.user.email),
      column((d) => d.user.enabled),
      column((d) => (d.user.createdTimestamp ? new Date(d.user.createdTimestamp) : null)),
      column((d) => d.decision.required),
      column((d) => d.decision.hasOtp),
      column((d) => d.decision.pending),
      column((d) => d.decision.deadline),
      column((d) => d.decision.exemptReason),
      seenAt,
    ],
  );
};

/** Rows not seen by a full pass that started at `seenAt` belong to deleted users. */
export const forgetUnseen = (db: SqlExecutor, realm: string, seenAt: Date) =>
  db.query('delete from enforcement_users where realm = $1 and seen_at < $2', [realm, seenAt]);

/**
 * Brings the compliance records of these users in line with the device mirror, so the report moves as
 * soon as a device is set up or removed rather than at the next full pass.
 */
export const refreshOtpPresence = (db: SqlExecutor, realm: string, userIds: string[]) =>
  db.query(
    `update enforcement_users e set has_otp = exists (
        select 1 from otp_devices d where d.realm = e.realm and d.user_id = e.user_id and d.removed_at is null)
      where e.realm = $1 and e.user_id = any($2)`,
    [realm, userIds],
  );

export const lastReminders = async (db: SqlExecutor, realm: string, userIds: string[]): Promise<Map<string, Date>> => {
  if (userIds.length === 0) return new Map();
  const rows = await db.query<{ user_id: string; last_sent_at: Date }>(
    'select user_id, last_sent_at from reminders where realm = $1 and user_id = any($2)',
    [realm, userIds],
  );
  return new Map(rows.map((r) => [r.user_id, new Date(r.last_sent_at)]));
};

export const recordReminder = (db: SqlExecutor, realm: string, userId: string, at: Date) =>
  db.query(
    `insert into reminders (realm, user_id, last_sent_at) values ($1, $2, $3)
     on conflict (realm, user_id) do update set last_sent_at = excluded.last_sent_at, sent_count = reminders.sent_count + 1`,
    [realm, userId, at],
  );

export const complianceCounts = async (db: SqlExecutor, realm: string): Promise<ComplianceCounts> => {
  const [row] = await db.query<Record<string, string | number>>(
    `select count(*) as users,
            count(*) filter (where required) as required,
            count(*) filter (where required and has_otp) as with_otp,
            count(*) filter (where required and not has_otp and pending) as pending,
            count(*) filter (where required and not has_otp) as missing
       from enforcement_users where realm = $1`,
    [realm],
  );
  const n = (key: string) => Number(row?.[key] ?? 0);
  return {
    users: n('users'),
    required: n('required'),
    withOtp: n('with_otp'),
    pending: n('pending'),
    missing: n('missing'),
  };
};

/** Required users without OTP, by username, a page at a time. */
export const nonCompliantUsers = async (
  db: SqlExecutor,
  realm: string,
  first: number,
  max: number,
): Promise<NonCompliantUser[]> => {
  const rows = await db.query<{
    user_id: string;
    username: string;
    email: string | null;
    deadline: Date | null;
    pending: boolean;
  }>(
    `select user_id, username, email, deadline, pending from enforcement_users
      where realm = $1 and required and not has_otp order by username, user_id offset $2 limit $3`,
    [realm, first, max],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    username: r.username,
    email: r.email,
    deadline: r.deadline ? new Date(r.deadline).toISOString() : null,
    pending: r.pending,
  }));
};
