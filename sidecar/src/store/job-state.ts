/**
 * The `job_state` table: small JSON states of long-running jobs (the event cursor, the device sync's
 * position), one row per name. This module is its only reader and writer.
 */
import type { SqlExecutor } from './database.js';

export const readJobState = async <T>(db: SqlExecutor, name: string): Promise<T | undefined> => {
  const [row] = await db.query<{ value: T }>('select value from job_state where name = $1', [name]);
  return row?.value;
};

export const saveJobState = async (db: SqlExecutor, name: string, value: unknown): Promise<void> => {
  await db.query(
    `insert into job_state (name, value, updated_at) values ($1, $2, now())
     on conflict (name) do update set value = excluded.value, updated_at = now()`,
    [name, JSON.stringify(value)],
  );
};
