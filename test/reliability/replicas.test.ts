/**
 * Two replicas on one PostgreSQL: a periodic pass runs in one of them at a time, every reminder is
 * queued and delivered once, and two delivery loops claiming the outbox at the same moment never send
 * the same message twice.
 */

import { type PostgresServer, startPostgres } from '../../devkit/src/index.js';
import { createTransport, deliverDue, enqueueEmail } from '../../sidecar/src/mail/outbox.js';
import type { Sidecar } from '../../sidecar/src/main.js';
import { openStore, type SqlDatabase } from '../../sidecar/src/store/index.js';
import {
  describeEmulatorOnly,
  emulatorOf,
  type KeycloakUnderTest,
  masterAdminClient,
  startKeycloakUnderTest,
} from '../support/keycloak.js';
import { bootstrapRealm, startTestSidecar, type TestRealm } from '../support/sidecar-realm.js';
import { type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { eventually } from '../support/wait.js';

let kut: KeycloakUnderTest;
let mail: MailCatcher;
let postgres: PostgresServer;
let target: TestRealm;
const replicas: Sidecar[] = [];
const USERS = 60;

beforeAll(async () => {
  [kut, mail, postgres] = await Promise.all([startKeycloakUnderTest(), startMailCatcher(), startPostgres()]);
  const kc = await masterAdminClient(kut);
  target = await bootstrapRealm(
    kc,
    mail,
    {
      enforcement: {
        scope: 'all',
        deadline: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        newUserGraceDays: 0,
        reminders: { enabled: true, startDaysBefore: 14, intervalDays: 3 },
      },
    },
    'replicas',
  );
  const users = Array.from({ length: USERS }, (_, i) => ({
    username: `member-${i}`,
    enabled: true,
    email: `member-${i}@example.org`,
    emailVerified: true,
  }));
  await kc.realms.partialImport({ realm: target.realm, rep: { ifResourceExists: 'FAIL', users } as never });
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  await Promise.all([postgres?.close(), mail?.close(), kut?.close()]);
});

// Emulator only: the emulator's injected latency makes the two replicas' passes overlap.
describeEmulatorOnly('two replicas', () => {
  test('an enforcement pass runs in one replica at a time; each user gets one reminder', async () => {
    // Slow listing, so the two replicas' passes overlap.
    emulatorOf(kut).faults.latencyMs = 30;
    const shared = { DATABASE_URL: postgres.url, LOG_LEVEL: 'silent' };
    replicas.push(
      ...(await Promise.all([
        startTestSidecar(kut, mail, target, shared),
        startTestSidecar(kut, mail, target, shared),
      ])),
    );
    await Promise.all(replicas.map((r) => r.firstPass));
    const reports = await Promise.all(replicas.map((r) => r.runEnforcement()));
    expect(reports.filter(Boolean)).toHaveLength(1);
    emulatorOf(kut).faults.latencyMs = 0;

    const reminders = () => mail.messages.filter((m) => m.to.some((to) => to.startsWith('member-')));
    await eventually(
      async () => reminders().length,
      (n) => n >= USERS,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 6_000)); // another delivery round of both replicas
    const recipients = reminders().flatMap((m) => m.to);
    expect(recipients).toHaveLength(USERS);
    expect(new Set(recipients).size).toBe(USERS);
    await Promise.all(replicas.splice(0).map((r) => r.close()));
  }, 120_000);

  test('two delivery loops claiming the outbox at once send each message once', async () => {
    const stores: SqlDatabase[] = await Promise.all([
      openStore({ databaseUrl: postgres.url }),
      openStore({ databaseUrl: postgres.url }),
    ]);
    try {
      for (let i = 0; i < 40; i++)
        await enqueueEmail(stores[0] as SqlDatabase, {
          dedupeKey: `race-${i}`,
          kind: 'test',
          recipient: `race-${i}@example.org`,
          subject: `Race ${i}`,
          text: 'text',
          html: '<p>html</p>',
        });
      const transport = createTransport({
        host: mail.host,
        port: mail.port,
        secure: false,
        requireTLS: false,
        from: 'x@example.org',
      });
      const results = await Promise.all(
        // "now" a second ahead: rows stamped by the database within this millisecond are due too.
        stores.map((store) => deliverDue(store, transport, 'x@example.org', new Date(Date.now() + 1000), 100)),
      );
      transport.close();
      expect(results.reduce((n, r) => ({ sent: n.sent + r.sent, failed: n.failed + r.failed }))).toEqual({
        sent: 40,
        failed: 0,
      });
      const received = await eventually(
        async () => mail.messages.filter((m) => m.subject.startsWith('Race ')),
        (m) => m.length >= 40,
      );
      expect(received).toHaveLength(40);
      expect(new Set(received.map((m) => m.subject)).size).toBe(40);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 60_000);
});
