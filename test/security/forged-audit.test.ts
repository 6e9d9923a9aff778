/**
 * Issue 19, attack 8 (the audit part): the attacker holds write access to the store — not the sidecar, not
 * Keycloak. He inserts a helpdesk audit row that never happened (signed with a colleague's name), or edits
 * one (a reason, a result) after switching the append-only trigger off. The hash chain reports the first
 * broken link: through `GET /api/v1/helpdesk/audit/verify` (helpdesk admins) and through
 * `npm run audit -- verify`. Rows written before the chain existed are chained by the migration.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appendAudit, verifyAuditChain } from '../../sidecar/src/helpdesk/records.js';
import type { Sidecar } from '../../sidecar/src/main.js';
import { MIGRATIONS, migrate } from '../../sidecar/src/store/index.js';
import { openPglite } from '../../sidecar/src/store/pglite.js';
import { jsonCall } from '../support/http-json.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import {
  bootstrapRealm,
  DISTANT_DEADLINE,
  grantRealmRoles,
  STAFF_OTP_SECRET,
  startTestSidecar,
  type TestRealm,
} from '../support/sidecar-realm.js';
import { type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { staffBearerToken } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf } from '../support/users.js';

const run = promisify(execFile);

const entry = (n: number) => ({
  actorId: 'staff-1',
  actorUsername: 'sam',
  action: 'reset-otp' as const,
  targetUserId: `user-${n}`,
  targetUsername: `user${n}`,
  reason: `lost phone number ${n}`,
  ticket: `HD-${n}`,
  result: 'ok',
  details: { removedCredentialIds: [`c${n}`], verifiedBy: 'email-code' },
});

/** What the store writer does: a row without the sidecar, under a real staff member's name. */
const forgeRow = (db: { query: (sql: string) => Promise<unknown> }, realm: string) =>
  db.query(`insert into audit_log (realm, actor_id, actor_username, action, target_user_id, target_username, reason,
      ticket, result) values ('${realm}', 'staff-1', 'sam', 'reset-otp', 'victim', 'victim', 'caller verified',
      'HD-9', 'ok')`);

const editRow = async (db: { query: (sql: string) => Promise<unknown> }, id: number) => {
  await db.query('alter table audit_log disable trigger audit_log_no_update');
  await db.query(`update audit_log set reason = 'identity checked in person' where id = ${id}`);
  await db.query('alter table audit_log enable trigger audit_log_no_update');
};

describe('the chain in the store', () => {
  test('rows written before the chain existed are chained by the migration', async () => {
    const db = await openPglite(undefined);
    await migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 6),
    );
    await forgeRow(db, 'old');
    await forgeRow(db, 'old');
    await migrate(db);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rows: 2 });
    await appendAudit(db, 'old', entry(3));
    expect(await verifyAuditChain(db, 'old')).toMatchObject({ ok: true, rows: 3 });
    await db.close();
  });

  test('npm run audit -- verify names the first broken link and fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
    let db = await openPglite(dir);
    await migrate(db);
    const ids: number[] = [];
    for (const n of [1, 2, 3]) ids.push(await appendAudit(db, 'lab', entry(n)));
    await db.close();
    const env = { ...process.env, SIDECAR_DATA_DIR: dir, DATABASE_URL: '' };
    const cli = (...args: string[]) =>
      run('npx', ['tsx', 'sidecar/src/helpdesk/audit-cli.ts', ...args], { env }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    const intact = await cli('verify', '--realm', 'lab');
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.out)).toMatchObject({ ok: true, rows: 3 });

    db = await openPglite(dir);
    await editRow(db, ids[1] as number);
    await db.close();
    const broken = await cli('verify');
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.out)).toMatchObject({
      ok: false,
      firstBroken: { id: ids[1], realm: 'lab', problem: 'row changed' },
    });
  }, 60_000);
});

describe('through the sidecar', () => {
  let kut: KeycloakUnderTest;
  let mail: MailCatcher;
  let target: TestRealm;
  let sidecar: Sidecar;
  let adminToken: string;
  let staffToken: string;

  beforeAll(async () => {
    [kut, mail] = await Promise.all([startKeycloakUnderTest(), startMailCatcher()]);
    const kc = await masterAdminClient(kut);
    target = await bootstrapRealm(kc, mail, { enforcement: DISTANT_DEADLINE }, 'forged');
    const staffPhone = { credentials: [otpCredential('Staff phone', STAFF_OTP_SECRET)] };
    const [ada, sam] = [
      await createTestUser(kc, target.realm, 'ada', staffPhone),
      await createTestUser(kc, target.realm, 'sam', staffPhone),
    ];
    await createTestUser(kc, target.realm, 'victim');
    await grantRealmRoles(kc, target.realm, ada, ['otp-helpdesk', 'otp-helpdesk-admin']);
    await grantRealmRoles(kc, target.realm, sam, ['otp-helpdesk']);
    sidecar = await startTestSidecar(kut, mail, target);
    await sidecar.firstPass;
    adminToken = await staffBearerToken(kut.baseUrl, target.realm, 'ada', passwordOf('ada'), STAFF_OTP_SECRET);
    staffToken = await staffBearerToken(kut.baseUrl, target.realm, 'sam', passwordOf('sam'), STAFF_OTP_SECRET);
  });
  afterAll(async () => {
    await sidecar?.close();
    await Promise.all([mail?.close(), kut?.close()]);
  });

  const verify = (token: string) => jsonCall(`${sidecar.url}/api/v1/helpdesk/audit/verify`, { token });

  test('an inserted row and an edited row are reported; only helpdesk admins may ask', async () => {
    // Real rows: refused attempts are audited (no ticket), so the trail has something to chain.
    const victim = (await jsonCall(`${sidecar.url}/api/v1/helpdesk/users?search=victim`, { token: staffToken })).body
      .users[0].id;
    for (const _ of [1, 2])
      await jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${victim}/reset-otp`, {
        token: staffToken,
        method: 'POST',
        json: { reason: 'no ticket given here' },
      });
    expect((await verify(staffToken)).status).toBe(403);
    const intact = await verify(adminToken);
    expect(intact.status).toBe(200);
    expect(intact.body).toMatchObject({ ok: true, rows: 2, head: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const [first] = await sidecar.db.query<{ id: string }>('select min(id) as id from audit_log');
    await editRow(sidecar.db, Number(first?.id));
    expect((await verify(adminToken)).body).toMatchObject({
      ok: false,
      firstBroken: { id: Number(first?.id), problem: 'row changed' },
    });
    await forgeRow(sidecar.db, target.realm);
    expect((await verify(adminToken)).body).toMatchObject({ ok: false, firstBroken: { id: Number(first?.id) } });
  });

  test('a forged row at the end of an intact chain is reported', async () => {
    const realm = `${target.realm}-tail`;
    for (const n of [1, 2]) await appendAudit(sidecar.db, realm, entry(n));
    await forgeRow(sidecar.db, realm);
    const [forged] = await sidecar.db.query<{ id: string }>('select max(id) as id from audit_log where realm = $1', [
      realm,
    ]);
    expect(await verifyAuditChain(sidecar.db, realm)).toMatchObject({
      ok: false,
      firstBroken: { id: Number(forged?.id), problem: 'missing hash' },
    });
  });
});
