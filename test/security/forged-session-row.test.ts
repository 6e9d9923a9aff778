/**
 * Issue 19, attack 8 — forged store row. The attacker can write to the sidecar's store (a database
 * account, a backup restored with edits) but holds no key and no Keycloak account. He inserts one
 * `helpdesk_sessions` row for an invented helpdesk admin "mallory", with a cookie value of his choosing,
 * filling every column the table has (the facts in the clear where the table keeps them, a blob of his own
 * making where it keeps them sealed), then presents the cookie: to the page (for its CSRF token), to the
 * API for a search and for a reset. All refused; the victim keeps her device; no audit row bears the name.
 */
import { createHash } from 'node:crypto';
import type { Sidecar } from '../../sidecar/src/main.js';
import type { SqlValue } from '../../sidecar/src/store/database.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import { bootstrapRealm, DISTANT_DEADLINE, startTestSidecar, type TestRealm } from '../support/sidecar-realm.js';
import { type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { createTestUser, otpCredential, SECRET_A } from '../support/users.js';

let kut: KeycloakUnderTest;
let kc: Awaited<ReturnType<typeof masterAdminClient>>;
let mail: MailCatcher;
let target: TestRealm;
let sidecar: Sidecar;
let victim = '';

const COOKIE_VALUE = 'attacker-chosen-session-id-0123456789';
const INVENTED = { id: '00000000-0000-4000-8000-00000000beef', username: 'mallory' };
const ROLES = ['otp-helpdesk', 'otp-helpdesk-admin'];

beforeAll(async () => {
  [kut, mail] = await Promise.all([startKeycloakUnderTest(), startMailCatcher()]);
  kc = await masterAdminClient(kut);
  target = await bootstrapRealm(kc, mail, { enforcement: DISTANT_DEADLINE }, 'attack8');
  victim = await createTestUser(kc, target.realm, 'una', { credentials: [otpCredential('Pixel 8', SECRET_A)] });
  sidecar = await startTestSidecar(kut, mail, target);
});
afterAll(async () => {
  await sidecar?.close();
  await Promise.all([mail?.close(), kut?.close()]);
});

/** What the attacker writes into a column: the invented facts by name, else a plausible value of the type. */
const forgedValue = (column: string, type: string): SqlValue => {
  const future = new Date(Date.now() + 3_600_000);
  const facts: Record<string, SqlValue> = {
    id_hash: createHash('sha256').update(COOKIE_VALUE).digest('base64url'),
    realm: target.realm,
    user_id: INVENTED.id,
    username: INVENTED.username,
    roles: ROLES,
  };
  if (column in facts) return facts[column] as SqlValue;
  if (type.startsWith('timestamp')) return column === 'created_at' ? new Date() : future;
  // A "sealed" value he made himself: the facts as JSON, base64url, as a sealed blob looks.
  return Buffer.from(JSON.stringify({ caller: { userId: INVENTED.id, username: INVENTED.username, roles: ROLES } }))
    .toString('base64url')
    .padEnd(64, 'A');
};

const insertForgedRow = async () => {
  const columns = await sidecar.db.query<{ column_name: string; data_type: string }>(
    `select column_name, data_type from information_schema.columns where table_name = 'helpdesk_sessions'`,
  );
  const names = columns.map((c) => c.column_name);
  await sidecar.db.query(
    `insert into helpdesk_sessions (${names.join(', ')}) values (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
    columns.map((c) => forgedValue(c.column_name, c.data_type)),
  );
};

const cookie = { cookie: `otp_helpdesk_session=${COOKIE_VALUE}` };

test('a session row written into the store without the key grants nothing', async () => {
  await insertForgedRow();

  const page = await fetch(`${sidecar.url}/helpdesk`, { headers: cookie, redirect: 'manual' });
  expect(page.status).toBe(302); // to the sign-in: no page, so no CSRF token either
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await page.text())?.[1] ?? '';

  const search = await fetch(`${sidecar.url}/api/v1/helpdesk/users?search=una`, { headers: cookie });
  expect(search.status).toBe(401);
  const reset = await fetch(`${sidecar.url}/api/v1/helpdesk/users/${victim}/reset-otp`, {
    method: 'POST',
    headers: { ...cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({ reason: 'User lost the phone, called in', ticket: 'INC-4242', verification: 'none' }),
  });
  expect(reset.status).toBe(401);

  const devices = (await kc.users.getCredentials({ realm: target.realm, id: victim })).filter((c) => c.type === 'otp');
  expect(devices.map((d) => d.userLabel)).toEqual(['Pixel 8']);
  const signed = await sidecar.db.query('select id from audit_log where actor_username = $1 or actor_id = $2', [
    INVENTED.username,
    INVENTED.id,
  ]);
  expect(signed).toEqual([]);
});
