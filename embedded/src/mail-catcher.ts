/**
 * A local mail catcher: a real SMTP server on loopback that receives and parses every message
 * (smtp-server + mailparser), with a small web inbox. `npm start` uses it on embedded defaults so the
 * emails of the journeys can be read in a browser; the tests read messages as a mail client would.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** The inbox page's own escaping: the embedded wing reaches the sidecar only through its public surface. */
const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  raw: ParsedMail;
}

export interface MailCatcher {
  host: string;
  port: number;
  messages: ReceivedMail[];
  /** resolves with the first message (already received or yet to come) matching the predicate */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** makes the server reject the next messages with a 4xx/5xx reply */
  failNext(count: number, code?: number): void;
  close(): Promise<void>;
}

const addresses = (value: ParsedMail['to']): string[] => {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((group) => group.value.map((a) => a.address ?? '')).filter(Boolean);
};

export const startMailCatcher = async (port = 0): Promise<MailCatcher> => {
  const messages: ReceivedMail[] = [];
  const waiters: { predicate: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }[] = [];
  let failures = 0;
  let failureCode = 451;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
    onData(stream, _session, callback) {
      if (failures > 0) {
        failures -= 1;
        stream.resume();
        stream.on('end', () =>
          callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: failureCode })),
        );
        return;
      }
      simpleParser(stream)
        .then((parsed) => {
          const mail: ReceivedMail = {
            to: addresses(parsed.to),
            from: parsed.from?.value[0]?.address ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            raw: parsed,
          };
          messages.push(mail);
          for (const waiter of [...waiters]) {
            if (waiter.predicate(mail)) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(mail);
            }
          }
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.server.address() as AddressInfo).port,
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
      failures = count;
      failureCode = code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** The first http(s) link in a message's text. */
export const linkIn = (mail: ReceivedMail): string => {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`no link in email "${mail.subject}"`);
  return match[0];
};

/** A web inbox over the catcher: newest first, each message's text with its links clickable. */
export const startWebInbox = async (
  catcher: MailCatcher,
  port = 0,
): Promise<{ url: string; close(): Promise<void> }> => {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => {
    const items = [...catcher.messages]
      .reverse()
      .map(
        (m) =>
          `<article><h2>${escapeHtml(m.subject)}</h2><p>To: ${escapeHtml(m.to.join(', '))}</p><pre>${escapeHtml(
            m.text,
          ).replace(/https?:\/\/[^\s<]+/g, (link) => `<a href="${link}">${link}</a>`)}</pre></article>`,
      )
      .join('<hr>');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'" })
      .end(
        `<!doctype html><title>Mail inbox</title><h1>Mail inbox (${catcher.messages.length})</h1>${items || '<p>No messages yet.</p>'}`,
      );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
