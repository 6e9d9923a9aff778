/** PostgreSQL through node-postgres: a small pool, transactions on one connection, advisory locks. */
import pg from 'pg';
import { lockKey, type SqlDatabase, type SqlExecutor, type SqlValue } from './database.js';

export const openPostgres = async (connectionString: string): Promise<SqlDatabase> => {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  // An idle connection that breaks (server restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // A connection held by a transaction or a lock when the server goes away errors outside any query:
  // without a listener that would crash the process; the work in progress sees the failure instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const executor = (target: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T>(sql: string, params: SqlValue[] = []) {
      return (await target.query(sql, params)).rows as T[];
    },
  });
  return {
    kind: 'postgres',
    ...executor(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(executor(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async withLock(key, fn) {
      const client = await pool.connect();
      try {
        const [row] = (await client.query('select pg_try_advisory_lock($1) as locked', [lockKey(key)])).rows as {
          locked: boolean;
        }[];
        if (!row?.locked) return undefined;
        try {
          return await fn();
        } finally {
          await client.query('select pg_advisory_unlock($1)', [lockKey(key)]).catch(() => undefined);
        }
      } finally {
        client.release();
      }
    },
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => pool.end(),
  };
};
