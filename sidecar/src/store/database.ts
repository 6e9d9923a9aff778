/**
 * The sidecar's database: PostgreSQL when DATABASE_URL is set (replicas share it), otherwise an
 * embedded PostgreSQL (PGlite) in a data folder. Both run the same SQL, so every query is written once.
 */
/** Network errors, and PostgreSQL's "cannot connect" and "shutting down" classes (08, 57P01–57P03). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * Whether an error says the database is not there (not yet, or no more), as opposed to a refused query,
 * a wrong password or a bad schema: the start waits on it, and requests answer 503 for it.
 */
export const isStoreUnreachable = (error: unknown): boolean => {
  const code = String((error as { code?: string } | undefined)?.code ?? '');
  return (
    UNREACHABLE_CODES.has(code) ||
    /^(08|57P0[1-3])/.test(code) ||
    // node-postgres's own messages for a connection that broke or could not be made in time
    /connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(
      String((error as Error | undefined)?.message ?? ''),
    )
  );
};

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
