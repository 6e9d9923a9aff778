import { type PostgresServer, startPostgres } from '../../devkit/src/index.js';
import { MIGRATIONS, openStore, type SqlDatabase } from '../../sidecar/src/store/index.js';

let postgres: PostgresServer;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.close());

describe.each([
  ['embedded PGlite', () => ({})],
  ['PostgreSQL', () => ({ databaseUrl: postgres.url })],
])('store on %s', (_name, location) => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await openStore(location());
  });
  afterAll(() => db.close());

  test('migrations are applied once, in order', async () => {
    const versions = await db.query<{ version: number }>('select version from schema_migrations order by version');
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    // Opening again applies nothing new.
    const again = await openStore(location());
    expect(await again.query('select count(*)::int as n from schema_migrations')).toEqual([{ n: MIGRATIONS.length }]);
    await again.close();
  });

  test('a failed transaction leaves no partial rows', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("insert into job_state (name, value) values ('partial', '{}')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.query("select * from job_state where name = 'partial'")).toEqual([]);
    await db.transaction((tx) => tx.query("insert into job_state (name, value) values ('whole', '{\"a\":1}')"));
    expect(await db.query<{ value: unknown }>("select value from job_state where name = 'whole'")).toEqual([
      { value: { a: 1 } },
    ]);
  });

  test('a lock is held by one runner at a time', async () => {
    let inside = 0;
    let maxInside = 0;
    const job = () =>
      db.withLock('reconcile', async () => {
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        await new Promise((resolve) => setTimeout(resolve, 50));
        inside -= 1;
        return 'ran';
      });
    const results = await Promise.all([job(), job()]);
    expect(results.sort()).toEqual(['ran', undefined].sort());
    expect(maxInside).toBe(1);
    expect(await job()).toBe('ran');
  });

  test('ping tells whether the database answers', async () => {
    expect(await db.ping()).toBe(true);
  });
});

test('PostgreSQL stopped and started: errors while down, then recovery without manual steps', async () => {
  const db = await openStore({ databaseUrl: postgres.url });
  try {
    await postgres.stop();
    expect(await db.ping()).toBe(false);
    await expect(db.query('select 1')).rejects.toThrow();
    await postgres.start();
    expect(await db.ping()).toBe(true);
    expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
  } finally {
    await db.close();
  }
}, 60_000);
