/**
 * The schema, as numbered migrations applied in order at start, each in its own transaction. Replicas
 * starting together serialise on an advisory lock, so each migration runs once.
 */
import { chainedFieldsOf, chainHash } from '../helpdesk/audit-chain.js';
import { lockKey, type SqlDatabase, type SqlExecutor } from './database.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** a step SQL alone cannot do, run after `sql` in the same transaction */
  run?: (tx: SqlExecutor) => Promise<void>;
}

/** Chains the audit rows written before the chain existed, realm by realm in id order (migration 6). */
const chainExistingAudit = async (tx: SqlExecutor) => {
  const rows = await tx.query<Record<string, unknown>>('select * from audit_log order by realm, id');
  const last = new Map<string, string>();
  for (const r of rows) {
    const realm = String(r.realm);
    const prev = last.get(realm) ?? null;
    const hash = chainHash(prev, chainedFieldsOf(r));
    await tx.query('update audit_log set prev_hash = $1, hash = $2 where id = $3', [prev, hash, Number(r.id)]);
    last.set(realm, hash);
  }
  // Append-only again, now that every row is chained.
  await tx.query(`create trigger audit_log_no_update before update or delete on audit_log
    for each row execute function audit_log_append_only()`);
};

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'enforcement, reminders, outbox, job state',
    sql: `
      create table enforcement_users (
        realm text not null,
        user_id text not null,
        username text not null,
        email text,
        enabled boolean not null,
        created_at timestamptz,
        required boolean not null,
        has_otp boolean not null,
        pending boolean not null,
        deadline timestamptz,
        exempt_reason text,
        seen_at timestamptz not null,
        primary key (realm, user_id)
      );
      create index enforcement_users_compliance on enforcement_users (realm, required, has_otp, username);

      create table reminders (
        realm text not null,
        user_id text not null,
        last_sent_at timestamptz not null,
        sent_count integer not null default 1,
        primary key (realm, user_id)
      );

      create table outbox (
        id bigserial primary key,
        dedupe_key text not null unique,
        kind text not null,
        recipient text not null,
        subject text not null,
        text_body text not null,
        html_body text not null,
        status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
        attempts integer not null default 0,
        next_attempt_at timestamptz not null default now(),
        last_error text,
        created_at timestamptz not null default now(),
        sent_at timestamptz
      );
      create index outbox_due on outbox (status, next_attempt_at);

      create table job_state (
        name text primary key,
        value jsonb not null,
        updated_at timestamptz not null default now()
      );
    `,
  },
  {
    version: 2,
    name: 'device mirror',
    sql: `
      create table otp_devices (
        realm text not null,
        credential_id text not null,
        user_id text not null,
        username text not null,
        email text,
        type text not null,
        label text,
        created_at timestamptz,
        first_seen_at timestamptz not null,
        last_seen_at timestamptz not null,
        removed_at timestamptz,
        removed_reason text,
        primary key (realm, credential_id)
      );
      create index otp_devices_user on otp_devices (realm, user_id);
      create index otp_devices_username on otp_devices (realm, lower(username));
      create index otp_devices_label on otp_devices (realm, lower(label));
    `,
  },
  {
    version: 3,
    name: 'recovery requests and the helpdesk audit log',
    sql: `
      create table recovery_requests (
        id bigserial primary key,
        realm text not null,
        user_id text not null,
        source text not null check (source in ('self-service', 'keycloak-reset', 'helpdesk')),
        requested_at timestamptz not null,
        expires_at timestamptz not null,
        completed_at timestamptz,
        retired_credential_ids text[]
      );
      create index recovery_requests_open on recovery_requests (realm, user_id, completed_at, expires_at);
      create table audit_log (
        id bigserial primary key,
        realm text not null,
        at timestamptz not null default now(),
        actor_id text not null,
        actor_username text not null,
        action text not null,
        target_user_id text not null,
        target_username text not null,
        credential_id text,
        reason text not null,
        ticket text,
        result text not null,
        details jsonb
      );
      create index audit_log_target on audit_log (realm, target_user_id, at);
      create index audit_log_at on audit_log (realm, at);
      create function audit_log_append_only() returns trigger language plpgsql as
        $fn$ begin raise exception 'audit_log is append-only'; end $fn$;
      create trigger audit_log_no_update before update or delete on audit_log
        for each row execute function audit_log_append_only()
    `,
  },
  {
    version: 4,
    name: 'helpdesk page sessions',
    sql: `
      create table helpdesk_sessions (
        id_hash text primary key,
        realm text not null,
        user_id text not null,
        username text not null,
        roles text[] not null,
        refresh_token_sealed text not null,
        access_expires_at timestamptz not null,
        expires_at timestamptz not null,
        created_at timestamptz not null default now()
      );
      create index helpdesk_sessions_expiry on helpdesk_sessions (expires_at)
    `,
  },
  {
    version: 5,
    name: 'helpdesk intents (write-ahead for the audit log)',
    sql: `
      create table helpdesk_intents (
        id bigserial primary key,
        realm text not null,
        action jsonb not null,
        owner_email text,
        started_at timestamptz not null default now(),
        finished_at timestamptz
      );
      create index helpdesk_intents_open on helpdesk_intents (realm, started_at) where finished_at is null
    `,
  },
  {
    version: 6,
    name: 'notice and cancel: cancel tokens, account flags, cancellations',
    sql: `
      create table cancel_tokens (
        id bigserial primary key,
        realm text not null,
        token_hash text not null unique,
        user_id text not null,
        change_kind text not null,
        credential_id text,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        used_at timestamptz
      );
      create index cancel_tokens_user on cancel_tokens (realm, user_id);
      create table account_flags (
        realm text not null,
        user_id text not null,
        flag text not null,
        set_at timestamptz not null,
        details jsonb,
        primary key (realm, user_id, flag)
      );
      create table notice_cancellations (
        id bigserial primary key,
        realm text not null,
        user_id text not null,
        token_id bigint not null,
        change_kind text not null,
        removed_credential_id text,
        at timestamptz not null,
        details jsonb
      );
      create index notice_cancellations_user on notice_cancellations (realm, user_id, at)
      `,
  },
  {
    version: 7,
    name: 'recovery bound to its link: level, pending device, proof, cooling-off; shared rate limits',
    sql: `
      alter table recovery_requests add column level text;
      alter table recovery_requests add column pending_credential_id text;
      alter table recovery_requests add column pending_since timestamptz;
      alter table recovery_requests add column password_updated_at timestamptz;
      alter table recovery_requests add column proven_at timestamptz;
      alter table recovery_requests add column retire_at timestamptz;
      alter table recovery_requests add column outcome text;
      create table recovery_rate_hits (
        realm text not null,
        key text not null,
        at timestamptz not null
      );
      create index recovery_rate_hits_key on recovery_rate_hits (realm, key, at)
    `,
  },
  {
    version: 8,
    name: 'helpdesk: verification codes, approvals, per-staff write counts, audit hash chain',
    sql: `
      create table helpdesk_verifications (
        id bigserial primary key,
        realm text not null,
        user_id text not null,
        requested_by text not null,
        salt text not null,
        code_hash text not null,
        attempts integer not null default 0,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz
      );
      create table helpdesk_approvals (
        id bigserial primary key,
        realm text not null,
        request jsonb not null,
        requested_by_id text not null,
        requested_by_username text not null,
        target_user_id text not null,
        target_username text not null,
        requested_at timestamptz not null default now(),
        status text not null default 'pending' check (status in ('pending', 'approved')),
        decided_by_username text,
        decided_at timestamptz
      );
      create index helpdesk_approvals_pending on helpdesk_approvals (realm, status, requested_at);
      create table helpdesk_writes (
        realm text not null,
        actor_id text not null,
        at timestamptz not null default now()
      );
      create index helpdesk_writes_actor on helpdesk_writes (realm, actor_id, at);
      alter table audit_log add column prev_hash text;
      alter table audit_log add column hash text;
      drop trigger audit_log_no_update on audit_log
    `,
    run: chainExistingAudit,
  },
  {
    version: 9,
    // Issue 19 (attack 8): the row keeps no fact in the clear; sessions from before are ended (staff sign in again).
    name: 'helpdesk sessions sealed: one AES-GCM blob bound to the row id',
    sql: `
      delete from helpdesk_sessions;
      alter table helpdesk_sessions drop column user_id, drop column username, drop column roles,
        drop column refresh_token_sealed, drop column access_expires_at;
      alter table helpdesk_sessions add column sealed text not null
    `,
  },
  {
    version: 10,
    name: 'rollout snapshots',
    // One row per realm, UTC day and group path ('*' = the whole realm); the day is text (YYYY-MM-DD) so no
    // time zone of the database or of the driver moves it.
    sql: `
      create table rollout_snapshots (
        realm text not null,
        day text not null check (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
        group_path text not null,
        required integer not null,
        enrolled integer not null,
        pending integer not null,
        exempt integer not null,
        taken_at timestamptz not null,
        primary key (realm, day, group_path)
      )
    `,
  },
  {
    version: 11,
    name: "owners' language kept where the owner is kept",
    // The notice of a deleted account's devices and of an interrupted helpdesk action is built when Keycloak
    // can no longer be asked (the user is gone, or the process that read them died): the language is kept
    // with the username and address already stored for those cases.
    sql: `
      alter table otp_devices add column owner_locale text;
      alter table helpdesk_intents add column owner_locale text
    `,
  },
];

export const migrate = async (db: SqlDatabase, migrations: Migration[] = MIGRATIONS): Promise<number[]> => {
  // Under the migrations lock: replicas starting together would race on "create table if not exists".
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [lockKey('sidecar-migrations')]);
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
  });
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const ran = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [lockKey('sidecar-migrations')]);
      const done = await tx.query('select 1 from schema_migrations where version = $1', [migration.version]);
      if (done.length > 0) return false;
      for (const statement of migration.sql
        .split(/;\s*\n/)
        .map((s) => s.trim())
        .filter(Boolean)) {
        await tx.query(statement);
      }
      await migration.run?.(tx);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
};
