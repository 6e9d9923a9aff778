/** The email outbox against a real SMTP server: once per dedupe key, and an SMTP failure loses nothing. */
import { createTransport, deliverDue, enqueueEmail } from '../../sidecar/src/mail/outbox.js';
import { openStore, type SqlDatabase } from '../../sidecar/src/store/index.js';
import { type MailCatcher, startMailCatcher } from '../support/smtp.js';

let db: SqlDatabase;
let mail: MailCatcher;

beforeAll(async () => {
  [db, mail] = await Promise.all([openStore({}), startMailCatcher()]);
});
afterAll(async () => {
  smtp?.close(); // pooled connections, else the mail catcher waits for them
  await Promise.all([db?.close(), mail?.close()]);
});

let smtp: ReturnType<typeof createTransport> | undefined;
const transport = () => {
  smtp ??= createTransport({
    host: mail.host,
    port: mail.port,
    secure: false,
    requireTLS: false,
    from: 'x@example.org',
  });
  return smtp;
};

const email = (key: string) => ({
  dedupeKey: key,
  kind: 'test',
  recipient: 'someone@example.org',
  subject: `Subject ${key}`,
  text: 'Plain text body',
  html: '<p>HTML body</p>',
});

test('a message is recorded once per dedupe key and delivered once', async () => {
  expect(await enqueueEmail(db, email('a'))).toBe(true);
  expect(await enqueueEmail(db, email('a'))).toBe(false);
  expect(await deliverDue(db, transport(), 'sidecar@example.org')).toEqual({ sent: 1, failed: 0 });
  expect(await deliverDue(db, transport(), 'sidecar@example.org')).toEqual({ sent: 0, failed: 0 });
  const received = mail.messages.filter((m) => m.subject === 'Subject a');
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({
    from: 'sidecar@example.org',
    text: 'Plain text body',
    html: '<p>HTML body</p>',
  });
});

test('an SMTP failure keeps the message for a later attempt', async () => {
  await enqueueEmail(db, email('b'));
  mail.failNext(1);
  const now = new Date();
  expect(await deliverDue(db, transport(), 'sidecar@example.org', now)).toEqual({ sent: 0, failed: 1 });
  const [row] = await db.query<{ status: string; attempts: number; last_error: string; next_attempt_at: Date }>(
    "select status, attempts, last_error, next_attempt_at from outbox where dedupe_key = 'b'",
  );
  expect(row).toMatchObject({ status: 'pending', attempts: 1 });
  expect(row?.last_error).toMatch(/451/);
  expect(new Date(row?.next_attempt_at as Date).getTime()).toBeGreaterThan(now.getTime());
  // Not due yet: nothing is sent; once due, it goes out.
  expect(await deliverDue(db, transport(), 'sidecar@example.org', now)).toEqual({ sent: 0, failed: 0 });
  const later = new Date(now.getTime() + 3_600_000);
  expect(await deliverDue(db, transport(), 'sidecar@example.org', later)).toEqual({ sent: 1, failed: 0 });
  expect(mail.messages.filter((m) => m.subject === 'Subject b')).toHaveLength(1);
});

test('SMTP down: the message waits and goes out once when the server is back', async () => {
  await enqueueEmail(db, email('c'));
  const unreachable = createTransport({ host: '127.0.0.1', port: 9, secure: false, requireTLS: false, from: 'x' });
  const now = new Date();
  try {
    expect(await deliverDue(db, unreachable, 'sidecar@example.org', now)).toEqual({ sent: 0, failed: 1 });
  } finally {
    unreachable.close();
  }
  const later = new Date(now.getTime() + 3_600_000);
  expect(await deliverDue(db, transport(), 'sidecar@example.org', later)).toEqual({ sent: 1, failed: 0 });
  expect(await deliverDue(db, transport(), 'sidecar@example.org', later)).toEqual({ sent: 0, failed: 0 });
  expect(mail.messages.filter((m) => m.subject === 'Subject c')).toHaveLength(1);
});
