/**
 * Emails go through an outbox table: a message is recorded (once per dedupe key) in the same step as the
 * decision to send it, and a delivery loop sends what is due. An SMTP failure leaves the message pending
 * with a later attempt time, so nothing is lost and a restart does not send twice.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { SqlDatabase, SqlExecutor } from '../store/database.js';

export interface OutgoingEmail {
  dedupeKey: string;
  kind: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  requireTLS: boolean;
  user?: string;
  password?: string;
  from: string;
}

const MAX_ATTEMPTS = 12;
/**
 * A claimed message is not due again for this long: another replica skips it, and if the claiming
 * process dies before sending, the message goes out after the lease instead of never.
 */
const CLAIM_LEASE_MS = 5 * 60_000;

/** Records an email; false when one with this dedupe key exists already. */
export const enqueueEmail = async (db: SqlExecutor, email: OutgoingEmail): Promise<boolean> => {
  const rows = await db.query(
    `insert into outbox (dedupe_key, kind, recipient, subject, text_body, html_body)
     values ($1, $2, $3, $4, $5, $6) on conflict (dedupe_key) do nothing returning id`,
    [email.dedupeKey, email.kind, email.recipient, email.subject, email.text, email.html],
  );
  return rows.length > 0;
};

export const createTransport = (smtp: SmtpSettings): Transporter =>
  nodemailer.createTransport({
    // A few reused connections: a rollout's reminders are thousands of messages.
    pool: true,
    maxConnections: 3,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
  });

/** Claims and sends the due messages; returns how many were sent and how many failed this round. */
export const deliverDue = async (
  db: SqlDatabase,
  transport: Pick<Transporter, 'sendMail'>,
  from: string,
  now = new Date(),
  batch = 20,
): Promise<{ sent: number; failed: number }> => {
  const due = await db.query<{
    id: string;
    recipient: string;
    subject: string;
    text_body: string;
    html_body: string;
    attempts: number;
  }>(
    // One statement claims the batch: replicas delivering at the same time never take the same row.
    // Security notices go before reminders, which can be thousands at the start of a rollout.
    `update outbox set next_attempt_at = $3
      where id in (select id from outbox where status = 'pending' and next_attempt_at <= $1
                    order by (kind = 'otp-reminder'), id limit $2 for update skip locked)
      returning id, recipient, subject, text_body, html_body, attempts`,
    [now, batch, new Date(now.getTime() + CLAIM_LEASE_MS)],
  );
  due.sort((a, b) => Number(a.id) - Number(b.id));
  let sent = 0;
  let failed = 0;
  for (const message of due) {
    try {
      await transport.sendMail({
        from,
        to: message.recipient,
        subject: message.subject,
        text: message.text_body,
        html: message.html_body,
      });
      await db.query(`update outbox set status = 'sent', sent_at = $2, attempts = attempts + 1 where id = $1`, [
        message.id,
        now,
      ]);
      sent += 1;
    } catch (error) {
      failed += 1;
      const attempts = message.attempts + 1;
      const delayMs = Math.min(2 ** attempts * 30_000, 6 * 3_600_000);
      await db.query(
        `update outbox set attempts = $2, last_error = $3, next_attempt_at = $4, status = $5 where id = $1`,
        [
          message.id,
          attempts,
          (error as Error).message.slice(0, 500),
          new Date(now.getTime() + delayMs),
          attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
        ],
      );
    }
  }
  return { sent, failed };
};

/** Delivers until nothing is due (a batch at a time), so a backlog drains in one run of the job. */
export const drainDue = async (
  db: SqlDatabase,
  transport: Pick<Transporter, 'sendMail'>,
  from: string,
  batch = 50,
): Promise<{ sent: number; failed: number }> => {
  const total = { sent: 0, failed: 0 };
  for (;;) {
    const round = await deliverDue(db, transport, from, new Date(), batch);
    total.sent += round.sent;
    total.failed += round.failed;
    // Stop on a short batch, or when SMTP fails: the failed messages wait for their backoff.
    if (round.sent + round.failed < batch || round.failed > 0) return total;
  }
};
