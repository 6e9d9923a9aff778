/**
 * The sidecar's database: PostgreSQL when DATABASE_URL is set (replicas share it), otherwise an
 * embedded PostgreSQL (PGlite) in a data folder. Both run the same SQL, so every query is written once.
 */
export type SqlValue = string | number | boolean | null | Date | string[] | (string | null)[];

export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite';
  /** runs fn in one transaction: all its writes land, or none */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs fn while holding a cluster-wide lock named by `key` (a PostgreSQL advisory lock), so only one
   * replica runs a periodic job at a time. Returns undefined without running fn when another holds it.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T | undefined>;
  /** whether the database answers */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** A stable 32-bit key for an advisory lock name. */
export const lockKey = (name: string): number => {
  let hash = 0;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
};
