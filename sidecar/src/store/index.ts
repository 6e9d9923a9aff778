/** Opens the sidecar's store: PostgreSQL for a postgres:// URL, else embedded PGlite; migrated. */
import { setTimeout as delay } from 'node:timers/promises';
import { isStoreUnreachable, type SqlDatabase } from './database.js';
import { migrate } from './migrations.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export { isStoreUnreachable, type SqlDatabase, type SqlExecutor, type SqlValue } from './database.js';
export { MIGRATIONS, migrate } from './migrations.js';

export interface StoreLocation {
  /** postgres://… or postgresql://… */
  databaseUrl?: string;
  /** folder of the embedded database; undefined keeps it in memory (tests) */
  dataDir?: string;
  /** how long to wait for a PostgreSQL that does not answer yet (it may be starting with us) */
  waitSeconds?: number;
  /** told of each failed attempt while waiting */
  onWait?: (error: Error, retryInMs: number) => void;
}

const openMigrated = async (location: StoreLocation): Promise<SqlDatabase> => {
  const db = location.databaseUrl ? await openPostgres(location.databaseUrl) : await openPglite(location.dataDir);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
};

export const openStore = async (location: StoreLocation): Promise<SqlDatabase> => {
  const until = Date.now() + (location.waitSeconds ?? 0) * 1000;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await openMigrated(location);
    } catch (error) {
      const retryInMs = Math.min(250 * 2 ** attempt, 5_000);
      if (!location.databaseUrl || !isStoreUnreachable(error) || Date.now() + retryInMs > until) throw error;
      location.onWait?.(error as Error, retryInMs);
      await delay(retryInMs);
    }
  }
};
export { SqlFilter } from './filter.js';
