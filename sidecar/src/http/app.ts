/**
 * The sidecar's HTTP surface: /healthz (the process is up), /readyz (store and Keycloak reachable),
 * /metrics (Prometheus), and the versioned API under /api/v1 that each capability adds routes to.
 * Every response carries a request id; bodies are JSON, errors included.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler, Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { errorHandler, notFoundHandler } from './errors.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

export interface AppOptions {
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** routers mounted under /api/v1, e.g. { '/compliance': router } */
  api: Record<string, Router | RequestHandler[]>;
  /** routers mounted at the root (pages) */
  pages?: Record<string, Router>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const createApp = ({ logger, metrics, readiness, api, pages = {} }: AppOptions): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      // Query strings can carry codes and tokens; log the path only. Response headers can carry the
      // helpdesk session cookie; log the status only.
      serializers: {
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
      },
    }),
  );
  app.use(helmet());
  app.use((req, res, next) => {
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      metrics.httpRequests.inc({ route, method: req.method, status: `${Math.floor(res.statusCode / 100)}xx` });
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      readiness.map(async (r) => [r.name, await r.check().catch(() => false)] as const),
    );
    const ready = results.every(([, ok]) => ok);
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results.map(([n, ok]) => [n, ok ? 'ok' : 'failing'])),
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
