/** The HTTP server around the app: listening, a JSON answer to what Node refuses, and a bounded close. */
import { type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Express } from 'express';
import type { Logger } from '../observability/logger.js';

/** Requests Node refuses before express sees them (headers too large, malformed HTTP) still get JSON. */
const answerClientError = (error: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => {
  if (!socket.writable) return socket.destroy();
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify({
    error: status === 431 ? 'headers_too_large' : 'bad_request',
    message: status === 431 ? 'The request headers are too large' : 'The request could not be read',
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};

/** Listens on `host:port`; the URL is the one a local client uses (0.0.0.0 reached as 127.0.0.1). */
export const listen = async (app: Express, port: number, host: string): Promise<{ server: Server; url: string }> => {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, host, () => resolve(s));
  });
  server.on('clientError', answerClientError);
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}` };
};

/**
 * Stops taking connections and waits for the requests in flight and for `alsoWaitFor()` (called once the
 * server is closing); after `boundSeconds` the connections still open are cut.
 */
export const closeServer = async (
  server: Server,
  boundSeconds: number,
  logger: Logger,
  alsoWaitFor: () => Promise<unknown>[],
): Promise<void> => {
  const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const finished = Promise.all([serverClosed, ...alsoWaitFor()]).then(() => true);
  if (!(await Promise.race([finished, delay(boundSeconds * 1000, false, { ref: false })]))) {
    logger.warn({ seconds: boundSeconds }, 'shutdown bound reached; cutting open connections');
    server.closeAllConnections();
  }
};
