/** Opens the sidecar's store: PostgreSQL for a postgres:// URL, else embedded PGlite; migrated. */
import type { SqlDatabase } from './database.js';
import { migrate } from './migrations.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export type { SqlDatabase, SqlExecutor, SqlValue } from './database.js';
export { MIGRATIONS, migrate } from './migrations.js';

export interface StoreLocation {
  /** postgres://… or postgresql://… */
  databaseUrl?: string;
  /** folder of the embedded database; undefined keeps it in memory (tests) */
  dataDir?: string;
}

export const openStore = async (location: StoreLocation): Promise<SqlDatabase> => {
  const db = location.databaseUrl ? await openPostgres(location.databaseUrl) : await openPglite(location.dataDir);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
};
export { SqlFilter } from './filter.js';
