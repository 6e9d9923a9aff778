/**
 * The sidecar as a real process on PostgreSQL, stopped the hard way and the polite way: SIGTERM lets the
 * request in flight finish and exits in time; SIGKILL in the middle of a full sync, a reconcile with
 * reminders, a helpdesk reset and a recovery's retirement leaves, after a restart, the right end state, a
 * complete audit log and every email sent exactly once; a database that is not up yet, or goes away,
 * is waited for. Last, everything the processes printed and stored is searched for the secrets used.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { stringify } from 'yaml';
import { type PostgresServer, startPostgres } from '../../devkit/src/index.js';
import { codeFor } from '../support/browser.js';
import { allowEnrolmentAttribute, verificationFor } from '../support/helpdesk-verification.js';
import { jsonCall } from '../support/http-json.js';
import {
  describeEmulatorOnly,
  emulatorOf,
  type KeycloakUnderTest,
  masterAdminClient,
  startKeycloakUnderTest,
} from '../support/keycloak.js';
import { LoginRobot } from '../support/login-robot.js';
import { allOutput, type SidecarProcess, sidecarEnv, startSidecarProcess } from '../support/sidecar-process.js';
import {
  bootstrapRealm,
  DISTANT_DEADLINE,
  helpdeskToken,
  SIDECAR_SECRET,
  type TestRealm,
} from '../support/sidecar-realm.js';
import { linkIn, type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';
import { eventually } from '../support/wait.js';

let kut: KeycloakUnderTest;
let kc: Awaited<ReturnType<typeof masterAdminClient>>;
let mail: MailCatcher;
let postgres: PostgresServer;
let sql: pg.Pool;
let target: TestRealm;
let token: string;
let sidecar: SidecarProcess | undefined;
/** every secret the run used, for the last test */
const secretsUsed = new Set<string>([SECRET_A, SECRET_B, SIDECAR_SECRET]);

const emulator = () => emulatorOf(kut);
const start = async (extra: Record<string, string> = {}) => {
  sidecar = await startSidecarProcess(sidecarEnv(kut, mail, target, postgres.url, extra));
  return sidecar;
};
const stop = async () => {
  await sidecar?.kill('SIGTERM');
  sidecar = undefined;
};
const query = async <T>(text: string, params: unknown[] = []) => (await sql.query(text, params)).rows as T[];
/** every API answer, for the secrets test */
const answers: string[] = [];
const api = async (path: string, init: { method?: string; json?: unknown } = {}) => {
  const answer = await jsonCall(`${sidecar?.url}/api/v1${path}`, { token, ...init });
  answers.push(JSON.stringify(answer.body));
  return answer;
};
const otpOf = async (userId: string) =>
  (await kc.users.getCredentials({ realm: target.realm, id: userId })).filter((c) => c.type === 'otp');
const mailsTo = (address: string, subject: RegExp) =>
  mail.messages.filter((m) => m.to.includes(address) && subject.test(m.subject));
const usePolicy = (policy: Record<string, unknown>) =>
  writeFileSync(join(target.dir, 'sidecar.yaml'), stringify(policy));
const syncState = async () =>
  (
    await query<{ value: { running?: { offset: number }; lastCompletedAt?: string } }>(
      'select value from job_state where name = $1',
      [`device-sync:${target.realm}`],
    )
  )[0]?.value ?? {};

/** Seeds `count` users in one import; every third holds a device. Returns the device count. */
const seedUsers = async (prefix: string, count: number) => {
  const users = Array.from({ length: count }, (_, i) => ({
    username: `${prefix}-${i}`,
    enabled: true,
    email: `${prefix}-${i}@example.org`,
    emailVerified: true,
    credentials: i % 3 === 0 ? [otpCredential(`Phone ${i}`, SECRET_A, Date.UTC(2026, 0, 1))] : [],
  }));
  await kc.realms.partialImport({ realm: target.realm, rep: { ifResourceExists: 'FAIL', users } as never });
  return users.filter((u) => u.credentials.length > 0).length;
};

// Emulator only: calls are slowed through the emulator's fault injection so a restart lands mid-action.
describeEmulatorOnly('restarts', () => {
  beforeAll(async () => {
    [kut, mail, postgres] = await Promise.all([startKeycloakUnderTest(), startMailCatcher(), startPostgres()]);
    sql = new pg.Pool({ connectionString: postgres.url, max: 2 });
    sql.on('error', () => undefined);
    kc = await masterAdminClient(kut);
    target = await bootstrapRealm(kc, mail, { enforcement: DISTANT_DEADLINE }, 'restarts');
    await allowEnrolmentAttribute(kc, target.realm);
    token = await helpdeskToken(kc, kut, target.realm);
    secretsUsed.add(token).add(passwordOf('helper'));
  });
  afterEach(async () => {
    emulator().faults.clear();
    await stop();
  });
  afterAll(async () => {
    await sql?.end();
    await Promise.all([postgres?.close(), mail?.close(), kut?.close()]);
  });

  test('SIGTERM: the request in flight finishes, new connections are refused, the exit is clean and in time', async () => {
    const id = await createTestUser(kc, target.realm, 'gina', { credentials: [otpCredential('Pixel', SECRET_B)] });
    const [device] = await otpOf(id);
    const running = await start();
    await eventually(
      () => fetch(`${running.url}/readyz`).then((r) => r.status),
      (s) => s === 200,
    );
    emulator().faults.add({ match: new RegExp(`^DELETE /admin/realms/${target.realm}/users/`), delayMs: 1500 });
    const verification = await verificationFor(running.url, token, mail, id, 'gina@example.org');
    const inFlight = api(`/helpdesk/users/${id}/devices/${device?.id}/remove`, {
      method: 'POST',
      json: { reason: 'lost on a train, caller verified', ticket: 'HD-7', verification },
    });
    await new Promise((r) => setTimeout(r, 500));
    const signalled = performance.now();
    running.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    expect(await inFlight).toMatchObject({ status: 200, body: { result: 'ok' } });
    expect(await running.exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(10_000);
    sidecar = undefined;
    expect(await otpOf(id)).toEqual([]);
    expect(
      await query(`select action, result from audit_log where target_user_id = $1 and action <> 'verification'`, [id]),
    ).toEqual([{ action: 'remove-device', result: 'ok' }]);
  }, 60_000);

  test('SIGKILL during a full sync: the restart resumes it; no duplicates, no false removals, no emails', async () => {
    const devices = await seedUsers('sync', 1500);
    emulator().faults.latencyMs = 10;
    const first = await start();
    await eventually(syncState, (s) => (s.running?.offset ?? 0) >= 500, 30_000);
    expect(await first.kill('SIGKILL')).toBeNull();
    const interrupted = await syncState();
    expect(interrupted.running?.offset).toBeGreaterThanOrEqual(500);
    emulator().faults.latencyMs = 0;
    const second = await start();
    await eventually(syncState, (s) => !s.running && s.lastCompletedAt !== interrupted.lastCompletedAt, 30_000);
    expect(second.output()).toContain('"resumed":true');
    const [counts] = await query<{ rows: string; distinct: string; removed: string }>(
      `select count(*) as rows, count(distinct credential_id) as distinct, count(removed_at) as removed
         from otp_devices where realm = $1 and username like 'sync-%'`,
      [target.realm],
    );
    expect(counts).toEqual({ rows: String(devices), distinct: String(devices), removed: '0' });
    expect(mail.messages.filter((m) => /authenticator was/.test(m.subject))).toEqual([]);
  }, 120_000);

  test('SIGKILL during a reconcile that sends reminders: after the restart everyone has exactly one', async () => {
    usePolicy({
      enforcement: {
        scope: 'all',
        deadline: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        newUserGraceDays: 0,
        reminders: { enabled: true, startDaysBefore: 14, intervalDays: 3 },
      },
    });
    const remindersQueued = async () =>
      Number((await query<{ n: string }>(`select count(*) as n from outbox where kind like '%remind%'`))[0]?.n);
    emulator().faults.add({ match: new RegExp(`^GET /admin/realms/${target.realm}/users$`), delayMs: 400 });
    const first = await start({ DEVICE_SYNC_INTERVAL_SECONDS: '3600' });
    await eventually(remindersQueued, (n) => n > 0, 30_000);
    await first.kill('SIGKILL');
    const queuedBefore = await remindersQueued();
    emulator().faults.clear();
    await start();
    // Link-only accounts (a helpdesk removed their last device) enrol through the emailed link: no reminder.
    const withoutOtp = (await kc.users.find({ realm: target.realm, max: 10_000, briefRepresentation: false })).filter(
      (u) => !u.totp && u.email && !u.username?.startsWith('service-account') && !u.attributes?.['otp-enrolment'],
    );
    expect(queuedBefore).toBeLessThan(withoutOtp.length);
    await eventually(
      async () => mail.messages.filter((m) => /reminder|set up/i.test(m.subject)).length,
      (n) => n >= withoutOtp.length,
      90_000,
    );
    const reminders = mail.messages.filter((m) => /reminder|set up/i.test(m.subject));
    const perRecipient = new Map<string, number>();
    for (const m of reminders) for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    expect([...perRecipient.values()].filter((n) => n !== 1)).toEqual([]);
    expect(perRecipient.size).toBe(withoutOtp.length);
    usePolicy({ enforcement: DISTANT_DEADLINE });
  }, 180_000);

  test('SIGKILL during a helpdesk reset: the restart records it as interrupted and tells the owner once', async () => {
    const id = await createTestUser(kc, target.realm, 'hank', {
      credentials: [otpCredential('Work phone', SECRET_A), otpCredential('Tablet', SECRET_B)],
    });
    const first = await start();
    const verification = await verificationFor(first.url, token, mail, id, 'hank@example.org');
    emulator().faults.add({ match: `POST /admin/realms/${target.realm}/users/${id}/logout`, delayMs: 30_000 });
    const reset = api(`/helpdesk/users/${id}/reset-otp`, {
      method: 'POST',
      json: { reason: 'phone stolen on the bus', ticket: 'HD-1', verification },
    });
    await eventually(
      () => otpOf(id),
      (d) => d.length === 0,
    );
    await first.kill('SIGKILL');
    await expect(reset).rejects.toThrow();
    emulator().faults.clear();
    await start();
    const audit = await eventually(
      () =>
        query<{ action: string; result: string; details: any; ticket: string }>(
          `select action, result, details, ticket from audit_log where target_user_id = $1 and action <> 'verification'`,
          [id],
        ),
      (rows) => rows.length > 0,
      30_000,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'reset-otp', ticket: 'HD-1', details: { otpDevicesAfterwards: [] } });
    expect(audit[0]?.result).toMatch(/^interrupted/);
    const told = await eventually(
      async () => mailsTo('hank@example.org', /change to the sign-in/),
      (m) => m.length > 0,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 6_000)); // another housekeeping round: still one
    expect(mailsTo('hank@example.org', /change to the sign-in/)).toHaveLength(told.length);
    expect(told).toHaveLength(1);
    expect(await query('select id from helpdesk_intents where finished_at is null')).toEqual([]);
  }, 120_000);

  test('SIGKILL while a proven recovery retires the old device: the restart finishes it and tells the owner once', async () => {
    const id = await createTestUser(kc, target.realm, 'iris', { credentials: [otpCredential('Lost phone', SECRET_A)] });
    const first = await start();
    await eventually(
      () => query('select 1 from otp_devices where user_id = $1', [id]),
      (rows) => rows.length === 1,
    );
    expect(
      (await jsonCall(`${first.url}/api/v1/recovery`, { method: 'POST', json: { identifier: 'iris' } })).status,
    ).toBe(202);
    const email = await mail.waitFor((m) => m.to.includes('iris@example.org') && m.subject === 'Update Your Account');
    const robot = new LoginRobot();
    await robot.open(linkIn(email));
    if (robot.page.html.includes('Click here to proceed')) await robot.follow('Click here to proceed');
    await robot.follow('Unable to scan\\?');
    const secret = (robot.textOf('kc-totp-secret-key') ?? '').replaceAll(' ', '');
    secretsUsed.add(secret);
    const setupStep = Math.floor(Date.now() / 30_000);
    await robot.submit({ totp: await codeFor({ secret }, setupStep * 30), userLabel: 'New phone' });
    await eventually(
      () => query('select 1 from recovery_requests where user_id = $1 and pending_credential_id is not null', [id]),
      (rows) => rows.length === 1,
    );
    // The retirement will hang on removing the old device, and the sidecar is killed there.
    emulator().faults.add({
      match: new RegExp(`^DELETE /admin/realms/${target.realm}/users/${id}/credentials/`),
      delayMs: 30_000,
    });
    // /recovery/complete: a fresh sign-in with the password and a code of the new phone not spent at setup.
    await robot.open(`${first.url}/recovery/complete`);
    await robot.follow('Continue to sign-in');
    await robot.submit({ username: 'iris', password: passwordOf('iris') });
    const newPhone = (await otpOf(id)).find((d) => d.userLabel === 'New phone');
    await robot.submit({
      otp: await codeFor({ secret }, (setupStep + 1) * 30),
      selectedCredentialId: newPhone?.id as string,
    });
    const back = robot.page.url;
    expect(back.startsWith(`${first.url}/recovery/complete?`)).toBe(true);
    robot.open(back).catch(() => undefined); // hangs in the retirement, then the sidecar is killed
    await eventually(
      () => query('select 1 from recovery_requests where user_id = $1 and proven_at is not null', [id]),
      (rows) => rows.length === 1,
    );
    await new Promise((r) => setTimeout(r, 500));
    await first.kill('SIGKILL');
    emulator().faults.clear();
    await start();
    const devices = await eventually(
      () => otpOf(id),
      (d) => d.length === 1,
      30_000,
    );
    expect(devices.map((d) => d.userLabel)).toEqual(['New phone']);
    await eventually(
      async () => mailsTo('iris@example.org', /old authenticators were removed/),
      (m) => m.length > 0,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 6_000));
    expect(mailsTo('iris@example.org', /old authenticators were removed/)).toHaveLength(1);
    expect(
      await query('select label, removed_reason from otp_devices where user_id = $1 order by label', [id]),
    ).toEqual([
      { label: 'Lost phone', removed_reason: 'retired after recovery' },
      { label: 'New phone', removed_reason: null },
    ]);
  }, 120_000);

  test('a database that is not up yet is waited for; one that goes away makes the sidecar not ready, then it recovers', async () => {
    await postgres.stop();
    const pending = startSidecarProcess(sidecarEnv(kut, mail, target, postgres.url));
    await new Promise((r) => setTimeout(r, 3_000));
    await postgres.start();
    sidecar = await pending;
    expect(sidecar.output()).toContain('database not reachable yet; waiting');
    const ready = () =>
      fetch(`${sidecar?.managementUrl}/readyz`).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect((await eventually(ready, (r) => r.status === 200)).status).toBe(200);

    await postgres.stop();
    const down = await eventually(ready, (r) => r.status === 503);
    expect(down.body).toEqual({ status: 'not_ready', checks: { store: 'failing', keycloak: 'ok' } });
    const read = await api('/devices');
    expect(read.status).toBe(503);
    expect(read.body).toMatchObject({ error: 'store_unavailable' });
    await postgres.start();
    expect((await eventually(ready, (r) => r.status === 200, 30_000)).status).toBe(200);
    expect((await api('/devices')).status).toBe(200);
  }, 120_000);

  test('no secret appears in anything the sidecar printed, answered or stored', async () => {
    await start();
    const [iris] = await kc.users.find({ realm: target.realm, username: 'iris', exact: true });
    for (const path of [
      `/helpdesk/users/${iris?.id}`,
      `/users/${iris?.id}/devices`,
      '/devices?max=500',
      '/helpdesk/audit',
      '/compliance',
      '/sync',
    ])
      expect((await api(path)).status).toBe(200);
    const stored = await query<{ dump: string }>(
      `select string_agg(t::text, E'\\n') as dump from (
         select row_to_json(d)::text as t from otp_devices d union all select row_to_json(a)::text from audit_log a
         union all select row_to_json(o)::text from outbox o union all select row_to_json(j)::text from job_state j
         union all select row_to_json(r)::text from recovery_requests r
         union all select row_to_json(i)::text from helpdesk_intents i) all_rows`,
    );
    const everything = `${allOutput.join('')}\n${answers.join('\n')}\n${stored[0]?.dump ?? ''}`;
    expect(everything.length).toBeGreaterThan(10_000);
    expect(allOutput.join('')).toContain('"msg":"request completed"'); // request logs were on
    const found = [...secretsUsed].filter((secret) => secret.length >= 8 && everything.includes(secret));
    expect(found).toEqual([]);
  });
});
