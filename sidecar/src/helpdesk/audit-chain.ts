/**
 * The audit log's hash chain: each row stores `hash = sha256(prev_hash || canonical row)`, where prev_hash is
 * the hash of the realm's previous row. An edited, inserted or deleted row breaks the chain from there on;
 * `verifyChain` names the first broken link. Pure: no I/O, so the store's migration and the CLI share it.
 * A writer who recomputes every later hash is caught only against a head hash kept elsewhere (residual risk,
 * docs/threat-model.md): verify prints the head so operators can anchor it.
 */
import { createHash } from 'node:crypto';

/** The fields a row's hash covers, as read back from the store. */
export interface ChainedFields {
  realm: string;
  at: Date | string;
  actorId: string;
  actorUsername: string;
  action: string;
  targetUserId: string;
  targetUsername: string;
  credentialId: string | null;
  reason: string;
  ticket: string | null;
  result: string;
  details: unknown;
}

/** JSON with object keys sorted at every depth, so jsonb's own key order does not change the hash. */
const stable = (value: unknown): string => {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** One row as one string: a JSON array in a fixed order (the time in ms, as the store keeps it exactly). */
export const canonicalRow = (row: ChainedFields): string =>
  stable([
    row.realm,
    new Date(row.at).toISOString(),
    row.actorId,
    row.actorUsername,
    row.action,
    row.targetUserId,
    row.targetUsername,
    row.credentialId ?? null,
    row.reason,
    row.ticket ?? null,
    row.result,
    row.details ?? null,
  ]);

/** The hashed fields of an `audit_log` row as the store returns it (snake_case columns). */
export const chainedFieldsOf = (r: Record<string, unknown>): ChainedFields => ({
  realm: String(r.realm),
  at: r.at as Date,
  actorId: String(r.actor_id),
  actorUsername: String(r.actor_username),
  action: String(r.action),
  targetUserId: String(r.target_user_id),
  targetUsername: String(r.target_username),
  credentialId: (r.credential_id as string | null) ?? null,
  reason: String(r.reason),
  ticket: (r.ticket as string | null) ?? null,
  result: String(r.result),
  details: r.details ?? null,
});

export const chainHash = (prevHash: string | null, row: ChainedFields): string =>
  createHash('sha256')
    .update(prevHash ?? '')
    .update(canonicalRow(row))
    .digest('hex');

export interface StoredLink extends ChainedFields {
  id: number;
  prevHash: string | null;
  hash: string | null;
}

export interface ChainReport {
  ok: boolean;
  rows: number;
  /** the last row's hash: keep it elsewhere to catch a rewrite of the whole tail */
  head: string | null;
  firstBroken?: { id: number; realm: string; problem: 'missing hash' | 'wrong previous hash' | 'row changed' };
}

/** Checks rows of one realm in id order; `prev` is the hash the first row must follow (null at the start). */
export const verifyLinks = (
  rows: StoredLink[],
  prev: string | null = null,
): Omit<ChainReport, 'rows'> & { last: string | null } => {
  let last = prev;
  for (const row of rows) {
    const broken = (problem: NonNullable<ChainReport['firstBroken']>['problem']) => ({
      ok: false,
      head: last,
      last,
      firstBroken: { id: row.id, realm: row.realm, problem },
    });
    if (!row.hash) return broken('missing hash');
    if ((row.prevHash ?? null) !== last) return broken('wrong previous hash');
    if (chainHash(row.prevHash, row) !== row.hash) return broken('row changed');
    last = row.hash;
  }
  return { ok: true, head: last, last };
};
