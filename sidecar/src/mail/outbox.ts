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
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
  });

/** Sends the due messages; returns how many were sent and how many failed this round. */
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
    `select id, recipient, subject, text_body, html_body, attempts from outbox
      where status = 'pending' and next_attempt_at <= $1 order by id limit $2`,
    [now, batch],
  );
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
