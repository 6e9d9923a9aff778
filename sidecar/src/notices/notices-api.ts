/**
 * The "This wasn't me" pages: `GET /notice/cancel?t=<token>` only shows a confirm form — mail scanners and
 * link previews follow links, so a GET changes nothing and does not even look the token up —; the form's
 * `POST /notice/cancel` (`t=<token>`, or JSON `{ "token": "..." }`) freezes the change. An unknown, used
 * or expired token gets one neutral answer. Rate limited per client IP, like /recovery. No script. The pages
 * are in the browser's language (Accept-Language, else the realm's default): the GET looks nothing up, so the
 * user's own locale is not at hand.
 */
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { EndUserPages } from '../end-user-pages/end-user-http.js';
import { ApiError, badRequest } from '../http/errors.js';
import { cancelAnswerPage, confirmPage } from './notice-pages.js';
import { CANCEL_TOKEN, type NoticeService } from './notices.js';

export const FROZEN = {
  status: 'frozen',
  message:
    'Done: you are signed out everywhere and your account is marked for the helpdesk. Change your password and contact your helpdesk.',
};

/** One answer for an unknown, used and expired link: the page tells nothing about which. */
export const NOT_VALID = {
  error: 'link_not_valid',
  message:
    'This link cannot be used (any more). Links work once, for a few days. If you are worried about your account, contact your helpdesk.',
};

const tokenOf = (value: unknown): string => {
  if (typeof value !== 'string' || !CANCEL_TOKEN.test(value))
    throw badRequest('Expected the token of a "This wasn\'t me" link (parameter t)');
  return value;
};

const answer = async (req: Request, res: Response, pages: EndUserPages, frozen: boolean) => {
  const status = frozen ? 200 : 410;
  if (!req.is('application/x-www-form-urlencoded'))
    return res
      .status(status)
      .set('cache-control', 'no-store')
      .json(frozen ? FROZEN : NOT_VALID);
  await pages.reply(req, res, status, (t) => cancelAnswerPage(t, frozen));
};

export const noticesRouter = (
  service: NoticeService,
  limits: { perIpPer15Minutes: number },
  pages: EndUserPages,
): Router => {
  const perIp: RequestHandler = rateLimit({
    windowMs: 15 * 60_000,
    limit: limits.perIpPer15Minutes,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
    handler: (_req, _res, next) => next(new ApiError(429, 'too_many_requests', 'Too many requests; try again later')),
  });
  const router = Router();
  router.use(perIp);
  router.use(express.urlencoded({ extended: false, limit: '2kb' }), express.json({ limit: '2kb' }));
  router.get('/cancel', (req, res) => {
    const token = tokenOf(req.query.t);
    return pages.reply(req, res, 200, (t) => confirmPage(t, token));
  });
  router.post('/cancel', async (req, res) => {
    const body = (req.body ?? {}) as { t?: unknown; token?: unknown };
    const token = tokenOf(body.t ?? body.token);
    const outcome = await service.cancel(token);
    await answer(req, res, pages, outcome.result === 'frozen');
  });
  return router;
};
