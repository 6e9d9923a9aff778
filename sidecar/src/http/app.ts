/**
 * The sidecar's HTTP surfaces. Public: /healthz (the process is up), /readyz (`{status}` only), the
 * versioned API under /api/v1 that each capability adds routes to, and the pages. Management (its own
 * listener, loopback by default): /metrics (Prometheus) and /readyz with each check, which tell an
 * anonymous caller nothing he should learn. Every response carries a request id; bodies are JSON.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler, Router } from 'express';
import helmet from 'helmet';
import { asAnonymousWork } from '../observability/anonymous.js';
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
const UNLOGGED = new Set(['/healthz', '/readyz']);

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

/** Runs every check (a throwing one fails); ready when all pass. */
const checkReadiness = async (readiness: ReadinessCheck[]) => {
  const results = await Promise.all(readiness.map(async (r) => [r.name, await r.check().catch(() => false)] as const));
  return {
    ready: results.every(([, ok]) => ok === true),
    checks: Object.fromEntries(results.map(([n, ok]) => [n, ok === true ? 'ok' : ok || 'failing'])),
  };
};

/**
 * Everything the public listener serves runs as anonymous work: what it causes (Keycloak calls made for a
 * recovery request, for instance) is not counted per operation, so the metrics cannot tell an existing
 * account from an unknown one (observability/anonymous.ts).
 */
const anonymousWork: RequestHandler = (_req, _res, next) => asAnonymousWork(next);

export const createApp = ({ logger, metrics, readiness, api, pages = {}, trustProxy }: AppOptions): Express => {
  const app = express();
  // Without it every client behind a proxy is the proxy, and shares one per-IP rate limit.
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestTrail(logger, metrics));
  app.use(anonymousWork);
  app.use(helmet());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // The checks' names and states stay on the management listener: they map the deployment for a stranger.
  app.get('/readyz', async (_req, res) => {
    const { ready } = await checkReadiness(readiness);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready' });
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

/** The management listener's app: /metrics, the detailed /readyz, /healthz; nothing else. */
export const createManagementApp = ({
  logger,
  metrics,
  readiness,
}: Pick<AppOptions, 'logger' | 'metrics' | 'readiness'>): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const { ready, checks } = await checkReadiness(readiness);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
};
