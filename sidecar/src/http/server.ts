/**
 * The HTTP server around the app: listening with limits (slow or many clients cannot hold the service),
 * a JSON answer to what Node refuses, and a bounded close.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Express } from 'express';
import type { Logger } from '../observability/logger.js';

/** What Node refuses before express sees it, as the status and JSON body the client gets. */
const refusalOf = (code: string | undefined) => {
  if (code === 'HPE_HEADER_OVERFLOW')
    return { status: 431, error: 'headers_too_large', message: 'The request headers are too large' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { status: 408, error: 'request_timeout', message: 'The request did not arrive in time' };
  return { status: 400, error: 'bad_request', message: 'The request could not be read' };
};

/** Requests Node refuses before express sees them (headers too large or too slow, malformed HTTP) still get JSON. */
const answerClientError = (error: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => {
  if (!socket.writable) return socket.destroy();
  const { status, ...answer } = refusalOf(error.code);
  const body = JSON.stringify(answer);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};

export interface ServerLimits {
  /** the whole request (headers and body) must arrive within this */
  requestTimeoutSeconds: number;
  /** the headers must arrive within this (a slowloris client is cut) */
  headersTimeoutSeconds: number;
  keepAliveTimeoutSeconds: number;
  /** open connections at most; over it Node closes new connections at once */
  maxConnections: number;
}

export interface Listening {
  server: Server;
  /** the URL a local client uses (0.0.0.0 reached as 127.0.0.1, :: as [::1]) */
  url: string;
  /** hands the requests to `app`; until then they are answered 503 */
  serve(app: Express): void;
}

const notYet = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '1' });
  res.end(JSON.stringify({ error: 'starting', message: 'The service is starting' }));
};

/**
 * Listens on `host:port` before the app exists, so the app can be built knowing its own address (links
 * are never built from the caller's Host header). Node checks the timeouts every second, not every 30.
 */
export const listen = async (port: number, host: string, limits?: ServerLimits): Promise<Listening> => {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = notYet;
  const server = createServer(
    {
      ...(limits
        ? {
            requestTimeout: limits.requestTimeoutSeconds * 1000,
            headersTimeout: limits.headersTimeoutSeconds * 1000,
            keepAliveTimeout: limits.keepAliveTimeoutSeconds * 1000,
          }
        : {}),
      connectionsCheckingInterval: 1000,
    },
    (req, res) => handler(req, res),
  );
  if (limits) server.maxConnections = limits.maxConnections;
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shown}:${address.port}`,
    serve: (app) => {
      handler = app;
    },
  };
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
