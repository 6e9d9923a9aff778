/**
 * "This wasn't me" in the store, and the only writer of `cancel_tokens`, `account_flags` and
 * `notice_cancellations`. A token is kept only as its sha-256 hash (a copy of the store cannot be turned
 * into working links), belongs to one change of one user, expires, and is used at most once: the claim is
 * one conditional update, so two clicks (or two replicas) cannot both use it.
 */
import { createHash } from 'node:crypto';
import type { SqlExecutor } from '../store/database.js';

/** What a notice announced: a device added, a device removed, the devices reset, old devices retired. */
export type ChangeKind = 'device-added' | 'device-removed' | 'devices-reset' | 'devices-retired';

export interface CancelTokenRow {
  id: string;
  userId: string;
  changeKind: ChangeKind;
  /** the device that came with the change (the one a cancel removes), when there is one */
  credentialId: string | null;
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export const insertCancelToken = async (
  db: SqlExecutor,
  realm: string,
  token: {
    hash: string;
    userId: string;
    changeKind: ChangeKind;
    credentialId?: string | undefined;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<void> => {
  await db.query(
    `insert into cancel_tokens (realm, token_hash, user_id, change_kind, credential_id, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [realm, token.hash, token.userId, token.changeKind, token.credentialId ?? null, token.createdAt, token.expiresAt],
  );
};

/** Marks the token used and returns it — only if it exists, is unused and has not expired at `now`. */
export const claimCancelToken = async (
  db: SqlExecutor,
  realm: string,
  hash: string,
  now: Date,
): Promise<CancelTokenRow | undefined> => {
  const [row] = await db.query<{ id: string; user_id: string; change_kind: ChangeKind; credential_id: string | null }>(
    `update cancel_tokens set used_at = $3
      where realm = $1 and token_hash = $2 and used_at is null and expires_at > $3
      returning id, user_id, change_kind, credential_id`,
    [realm, hash, now],
  );
  return row
    ? { id: String(row.id), userId: row.user_id, changeKind: row.change_kind, credentialId: row.credential_id }
    : undefined;
};

/** Sets a flag on an account (again: its time and details are renewed). */
export const setAccountFlag = async (
  db: SqlExecutor,
  realm: string,
  userId: string,
  flag: 'frozen',
  at: Date,
  details: Record<string, unknown>,
): Promise<void> => {
  await db.query(
    `insert into account_flags (realm, user_id, flag, set_at, details) values ($1, $2, $3, $4, $5)
     on conflict (realm, user_id, flag) do update set set_at = excluded.set_at, details = excluded.details`,
    [realm, userId, flag, at, JSON.stringify(details)],
  );
};

export const flagsOf = async (db: SqlExecutor, realm: string, userId: string): Promise<string[]> =>
  (
    await db.query<{ flag: string }>('select flag from account_flags where realm = $1 and user_id = $2 order by flag', [
      realm,
      userId,
    ])
  ).map((r) => r.flag);

export interface CancellationRecord {
  userId: string;
  tokenId: string;
  changeKind: ChangeKind;
  removedCredentialId: string | null;
  at: Date;
  details: Record<string, unknown>;
}

export const recordCancellation = async (db: SqlExecutor, realm: string, entry: CancellationRecord) => {
  await db.query(
    `insert into notice_cancellations (realm, user_id, token_id, change_kind, removed_credential_id, at, details)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      realm,
      entry.userId,
      entry.tokenId,
      entry.changeKind,
      entry.removedCredentialId,
      entry.at,
      JSON.stringify(entry.details),
    ],
  );
};

export const cancellationsOf = async (db: SqlExecutor, realm: string, userId: string) =>
  db.query<{ change_kind: string; removed_credential_id: string | null; at: Date; details: unknown }>(
    `select change_kind, removed_credential_id, at, details from notice_cancellations
      where realm = $1 and user_id = $2 order by at`,
    [realm, userId],
  );

/** Gives a claimed token back (the freeze could not be done: the owner may try again). */
export const releaseCancelToken = async (db: SqlExecutor, id: string) => {
  await db.query('update cancel_tokens set used_at = null where id = $1', [id]);
};
