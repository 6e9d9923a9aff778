import { mkdirSync } from 'node:fs';
/** The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in a folder, or in memory. */
import { PGlite } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor, SqlValue } from './database.js';

export const openPglite = async (dataDir: string | undefined): Promise<SqlDatabase> => {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const executor = (target: Pick<PGlite, 'query'>): SqlExecutor => ({
    async query<T>(sql: string, params: SqlValue[] = []) {
      return (await target.query<T>(sql, params)).rows;
    },
  });
  // One process owns an embedded database, so a lock only has to exclude this process's own jobs.
  const held = new Set<string>();
  return {
    kind: 'pglite',
    ...executor(db),
    transaction: (fn) => db.transaction((tx) => fn(executor(tx))),
    async withLock(key, fn) {
      if (held.has(key)) return undefined;
      held.add(key);
      try {
        return await fn();
      } finally {
        held.delete(key);
      }
    },
    async ping() {
      try {
        await db.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.close(),
  };
};
