/**
 * The sidecar's HTTP surface: /healthz (the process is up), /readyz (store and Keycloak reachable),
 * /metrics (Prometheus), and the versioned API under /api/v1 that each capability adds routes to.
 * Every response carries a request id; bodies are JSON, errors included.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler, Router } from 'express';
import helmet from 'helmet';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { errorHandler, notFoundHandler } from './errors.js';

export interface ReadinessCheck {
  name: string;
  /** true when ready; false or a word saying why not (shown instead of 'failing') */
  check(): Promise<boolean | string>;
}

export interface AppOptions {
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** routers mounted under /api/v1, e.g. { '/compliance': router } */
  api: Record<string, Router | RequestHandler[]>;
  /** routers mounted at the root (pages) */
  pages?: Record<string, Router>;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For gives the client address (req.ip) */
  trustProxy?: number | string;
}

declare module 'node:http' {
  interface IncomingMessage {
    /** the request id: the caller's X-Request-Id when it is a plain token, else a new UUID */
    id: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const UNLOGGED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One middleware per request for its id, its metric and its log line, written when the answer is sent
 * (or the client gave up).
 * pino-http did this before with a child logger per request; that one object graph was a fifth of what a
 * device lookup allocated, and the GC it caused was the lookup's latency tail (bench/). The line logs the
 * path only (query strings can carry codes and tokens) and the status only (response headers can carry the
 * helpdesk session cookie).
 */
const requestTrail =
  (logger: Logger, metrics: Metrics): RequestHandler =>
  (req, res, next) => {
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const started = performance.now();
    // 'close' comes after the answer is sent, or when the client left before it was: counted as aborted.
    res.once('close', () => {
      const answered = res.writableFinished;
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      const status = answered ? `${Math.floor(res.statusCode / 100)}xx` : 'aborted';
      metrics.httpRequests.inc({ route, method: req.method, status });
      if (!logger.isLevelEnabled('info')) return;
      const path = req.originalUrl.split('?')[0] as string;
      if (UNLOGGED.has(path)) return;
      logger.info(
        {
          req: { id: req.id, method: req.method, path },
          res: { statusCode: answered ? res.statusCode : null },
          responseTime: Math.round(performance.now() - started),
        },
        answered ? 'request completed' : 'request aborted',
      );
    });
    next();
  };

export const createApp = ({ logger, metrics, readiness, api, pages = {}, trustProxy }: AppOptions): Express => {
  const app = express();
  // Without it every client behind a proxy is the proxy, and shares one per-IP rate limit.
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestTrail(logger, metrics));
  app.use(helmet());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      readiness.map(async (r) => [r.name, await r.check().catch(() => false)] as const),
    );
    const ready = results.every(([, ok]) => ok === true);
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results.map(([n, ok]) => [n, ok === true ? 'ok' : ok || 'failing'])),
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const v1 = Router();
  v1.use(express.json({ limit: '100kb' }));
  for (const [path, router] of Object.entries(api)) v1.use(path, router);
  app.use('/api/v1', v1);
  for (const [path, router] of Object.entries(pages)) app.use(path, router);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
};
