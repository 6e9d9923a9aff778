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

/** One message as the inbox shows it to people and its JSON API answers (no parser internals). */
const summaryOf = (mail: ReceivedMail, index: number) => ({
  id: index + 1,
  to: mail.to,
  from: mail.from,
  subject: mail.subject,
  date: mail.raw.date?.toISOString() ?? null,
  text: mail.text,
});

/** Readable at any width: text wraps, links are links (http(s) only, escaped). */
const INBOX_STYLE =
  'body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}' +
  'pre{white-space:pre-wrap;overflow-wrap:anywhere;font-family:inherit}';

const linkify = (escapedText: string) =>
  escapedText.replace(/https?:\/\/[^\s<]+/g, (link) => `<a href="${link}">${link}</a>`);

const inboxPage = (catcher: MailCatcher) => {
  const items = [...catcher.messages]
    .map(summaryOf)
    .reverse()
    .map(
      (m) =>
        `<article><h2>${escapeHtml(m.subject)}</h2><p>To: ${escapeHtml(m.to.join(', '))}</p><pre>${linkify(
          escapeHtml(m.text),
        )}</pre></article>`,
    )
    .join('<hr>');
  return (
    `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>Mail inbox</title><style>${INBOX_STYLE}</style>` +
    `<h1>Mail inbox (${catcher.messages.length})</h1><p>As JSON: <a href="api/messages">api/messages</a></p>` +
    (items || '<p>No messages yet.</p>')
  );
};

/**
 * A web inbox over the catcher: newest first, each message's text with its links clickable; `GET
 * /api/messages` (optionally `?to=<address>`) gives the same messages as JSON, oldest first.
 */
export const startWebInbox = async (
  catcher: MailCatcher,
  port = 0,
): Promise<{ url: string; close(): Promise<void> }> => {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://inbox');
    if (url.pathname === '/api/messages') {
      const to = url.searchParams.get('to')?.toLowerCase();
      const messages = catcher.messages.map(summaryOf).filter((m) => !to || m.to.includes(to));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ messages }));
      return;
    }
    if (url.pathname !== '/') {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":"not found"}');
      return;
    }
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      })
      .end(inboxPage(catcher));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A browser's keep-alive connection must not hold the port after stop.
        server.closeAllConnections();
      }),
  };
};
