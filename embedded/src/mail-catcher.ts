/**
 * The local mail catcher: maildev's SMTP server on loopback, in this process, keeping every message in
 * maildev's in-memory store. The tests read the messages as a mail client would (`messages`, `waitFor`);
 * `npm start` also shows them in maildev's web inbox (web-inbox.ts). Each catcher has a folder of its own
 * for the .eml files maildev writes, removed on close.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Email, MemoryStorage } from '@maildev/core';
import { createSMTPServer, type SMTPServer } from '@maildev/smtp';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** maildev's record of the message (headers, date, envelope, attachments) */
  raw: Email;
}

export interface MailCatcher {
  host: string;
  port: number;
  messages: ReceivedMail[];
  /** resolves with the first message (already received or yet to come) matching the predicate */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** makes the server reject the next messages with a 4xx/5xx reply */
  failNext(count: number, code?: number): void;
  /** maildev's store and SMTP server, which its web inbox serves */
  maildev: { storage: MemoryStorage; smtp: SMTPServer };
  close(): Promise<void>;
}

/**
 * maildev's in-memory store, refusing the next arrivals when told to. maildev has no option to refuse a
 * message, but it answers the SMTP DATA command with the error its store throws (with its reply code),
 * which is what the sidecar's outbox retries need to meet.
 */
class RefusingStore extends MemoryStorage {
  private refusals = { left: 0, code: 451 };

  refuseNext(count: number, code: number) {
    this.refusals = { left: count, code };
  }

  override async save(email: Email): Promise<void> {
    // Saving a stored message is a change (read in the web inbox), not an arrival.
    if (this.refusals.left > 0 && !(await this.getById(email.id))) {
      this.refusals.left -= 1;
      throw Object.assign(new Error('Mailbox unavailable'), { responseCode: this.refusals.code });
    }
    return super.save(email);
  }
}

const receivedMail = (email: Email): ReceivedMail => ({
  to: email.to.map((a) => a.address).filter(Boolean),
  from: email.from[0]?.address ?? '',
  subject: email.subject,
  text: email.text ?? '',
  html: email.html ?? '',
  raw: email,
});

export const startMailCatcher = async (port = 0): Promise<MailCatcher> => {
  const storage = new RefusingStore();
  await storage.initialize();
  const mailDir = mkdtempSync(join(tmpdir(), 'mail-catcher-'));
  const smtp = createSMTPServer({ port, host: '127.0.0.1', storage, mailDir, logger: false });
  const messages: ReceivedMail[] = [];
  const waiters: { predicate: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }[] = [];
  // maildev emits `new` once the message is stored, before its SMTP reply: a sender that got 250 finds it here.
  smtp.on('new', (email: Email) => {
    const mail = receivedMail(email);
    messages.push(mail);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(mail)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(mail);
      }
    }
  });
  await smtp.start();
  return {
    host: '127.0.0.1',
    port: smtp.getPort(),
    messages,
    waitFor(predicate, timeoutMs = 10_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) {
            waiters.splice(index, 1);
            reject(
              new Error(
                `no matching email within ${timeoutMs} ms (received: ${messages.map((m) => m.subject).join(', ')})`,
              ),
            );
          }
        }, timeoutMs).unref();
      });
    },
    failNext(count, code = 451) {
      storage.refuseNext(count, code);
    },
    maildev: { storage, smtp },
    close: async () => {
      await smtp.stop();
      await storage.close();
      await rm(mailDir, { recursive: true, force: true });
    },
  };
};

/** The first http(s) link in a message's text. */
export const linkIn = (mail: ReceivedMail): string => {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`no link in email "${mail.subject}"`);
  return match[0];
};
