/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in a folder, or in memory. The folder
 * holds recovery requests, audit rows and sealed staff sessions: only the sidecar's user may read it
 * (folders 0700, files 0600, whatever the umask).
 */
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor, SqlValue } from './database.js';

/** Makes `dir` and everything in it private to the owner (0700 folders, 0600 files). */
export const keepPrivate = (dir: string): void => {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) keepPrivate(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
};

export const openPglite = async (dataDir: string | undefined): Promise<SqlDatabase> => {
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // The folder's own 0700 already shuts others out of files created later; the files are set again at close.
  if (dataDir) keepPrivate(dataDir);
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
    async close() {
      await db.close();
      if (dataDir) keepPrivate(dataDir);
    },
  };
};
