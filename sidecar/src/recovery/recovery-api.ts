/**
 * Self-service recovery: `POST /api/v1/recovery` `{ "identifier": "<username or email>" }` (JSON or a
 * form post from the page at `/recovery`). The answer is the same 202 whether or not an account matches,
 * and it is sent before any lookup: the work happens off the request path, so neither the body nor the
 * time tells who has an account. Rate limited per client IP and per identifier.
 */
import express, { type RequestHandler, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { ApiError, badRequest } from '../http/errors.js';
import type { Logger } from '../observability/logger.js';
import { escapeHtml } from '../util/html.js';
import type { RecoveryService } from './recovery.js';

export const ACCEPTED = {
  status: 'accepted',
  message: 'If an account matches, an email with a recovery link is on its way. It is valid for a limited time.',
};

const BODY = z.object({ identifier: z.string().trim().min(1).max(254) }).strict();

/** At most `limit` requests per key in `windowMs`; memory is bounded by pruning old keys. */
export const keyedLimiter = (limit: number, windowMs: number) => {
  const hits = new Map<string, number[]>();
  return (key: string, now = Date.now()): boolean => {
    if (hits.size > 50_000) for (const [k, times] of hits) if (times.every((t) => now - t > windowMs)) hits.delete(k);
    const recent = (hits.get(key) ?? []).filter((t) => now - t < windowMs);
    if (recent.length >= limit) {
      hits.set(key, recent);
      return false;
    }
    recent.push(now);
    hits.set(key, recent);
    return true;
  };
};

const tooMany = () => new ApiError(429, 'too_many_requests', 'Too many recovery requests; try again later');

export const recoveryPage = (): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lost your phone?</title></head>
<body><main>
<h1>Lost or replaced your phone?</h1>
<p>Enter your username or email address. If it matches an account, we email you a link: follow it, choose a
new password if asked, and set up your authenticator app on the new phone. Your old authenticator is removed
only once the new one works.</p>
<form method="post" action="/api/v1/recovery">
<label for="identifier">Username or email</label>
<input id="identifier" name="identifier" autocomplete="username" required maxlength="254">
<button type="submit">Send me a recovery link</button>
</form>
</main></body></html>`;

export const recoveryRouters = (
  service: RecoveryService,
  limits: { perIpPer15Minutes: number; perAccountPerHour: number },
  logger: Logger,
) => {
  const perAccount = keyedLimiter(limits.perAccountPerHour, 3_600_000);
  const queue: string[] = [];
  let draining = false;
  const drain = async () => {
    if (draining) return;
    draining = true;
    while (queue.length > 0) {
      const identifier = queue.shift() as string;
      await service
        .requestBySelfService(identifier)
        .catch((error) => logger.warn({ err: (error as Error).message }, 'recovery request failed'));
    }
    draining = false;
  };

  const limitPerIp: RequestHandler = rateLimit({
    windowMs: 15 * 60_000,
    limit: limits.perIpPer15Minutes,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // its own check prints to the console and names Express's setting; ours goes to the log, below
    validate: { xForwardedForHeader: false },
    handler: (_req, _res, next) => next(tooMany()),
  });
  let proxyWarned = false;
  const perIp: RequestHandler = (req, res, next) => {
    if (!proxyWarned && req.headers['x-forwarded-for'] !== undefined && req.app.get('trust proxy') === false) {
      proxyWarned = true;
      logger.warn('X-Forwarded-For received but TRUST_PROXY is unset: per-IP recovery limits count the proxy');
    }
    limitPerIp(req, res, next);
  };

  const api = Router();
  api.use(express.urlencoded({ extended: false, limit: '2kb' }));
  api.post('/', perIp, (req, res) => {
    const parsed = BODY.safeParse(req.body);
    if (!parsed.success) throw badRequest('Expected { "identifier": "<username or email>" }');
    const identifier = parsed.data.identifier.toLowerCase();
    if (!perAccount(identifier)) throw tooMany();
    if (queue.length < 10_000) queue.push(identifier);
    setImmediate(drain);
    if (req.is('application/x-www-form-urlencoded'))
      res
        .status(202)
        .type('html')
        .send(`<!doctype html><title>Check your email</title><p>${escapeHtml(ACCEPTED.message)}</p>`);
    else res.status(202).json(ACCEPTED);
  });

  const page = Router();
  page.get('/', (_req, res) => {
    res.type('html').send(recoveryPage());
  });
  return { api, page };
};
