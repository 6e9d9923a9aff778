/**
 * Sends a realm's emails over SMTP with the realm's `smtpServer` settings, as Keycloak does: host, port,
 * `ssl` (implicit TLS), `starttls`, `auth` with user/password, `from`, `fromDisplayName`, `replyTo`,
 * `envelopeFrom`. Any failure rejects, so callers answer like Keycloak (an error, not a crash).
 */
import nodemailer from 'nodemailer';
import type { RealmModel } from '../state/model.js';

export interface RealmEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

const flag = (value: string | undefined) => value === 'true';

export const sendRealmEmail = async (realm: RealmModel, email: RealmEmail): Promise<void> => {
  const smtp = (realm.settings.smtpServer ?? {}) as Record<string, string | undefined>;
  if (!smtp.host) throw new Error('SMTP server host is not configured');
  if (!smtp.from) throw new Error('SMTP from address is not configured');
  const ssl = flag(smtp.ssl);
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: Number(smtp.port ?? (ssl ? 465 : 25)),
    secure: ssl,
    requireTLS: flag(smtp.starttls),
    ignoreTLS: !ssl && !flag(smtp.starttls),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 10_000,
    ...(flag(smtp.auth) ? { auth: { user: smtp.user ?? '', pass: smtp.password ?? '' } } : {}),
  });
  try {
    await transport.sendMail({
      from: smtp.fromDisplayName ? { name: smtp.fromDisplayName, address: smtp.from } : smtp.from,
      ...(smtp.replyTo ? { replyTo: smtp.replyTo } : {}),
      ...(smtp.envelopeFrom ? { envelope: { from: smtp.envelopeFrom, to: email.to } } : {}),
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
    });
  } finally {
    transport.close();
  }
};
