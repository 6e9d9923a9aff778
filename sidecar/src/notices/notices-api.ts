/**
 * The "This wasn't me" pages: `GET /notice/cancel?t=<token>` only shows a confirm form — mail scanners and
 * link previews follow links, so a GET changes nothing and does not even look the token up —; the form's
 * `POST /notice/cancel` (`t=<token>`, or JSON `{ "token": "..." }`) freezes the change. An unknown, used
 * or expired token gets one neutral answer. Rate limited per client IP, like /recovery. No script.
 */
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ApiError, badRequest } from '../http/errors.js';
import { escapeHtml } from '../util/html.js';
import { CANCEL_TOKEN, type NoticeService } from './notices.js';

const layout = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/helpdesk/app.css"></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

export const confirmPage = (token: string) =>
  layout(
    'This wasn’t me',
    `<p>A change to the sign-in of your account was announced to you by email. If you did not make it,
confirm below: we sign you out everywhere, remove the authenticator that came with the change, stop any
pending removal of your authenticators, and mark your account for the helpdesk.</p>
<form method="post" action="/notice/cancel">
<input type="hidden" name="t" value="${escapeHtml(token)}">
<button type="submit">Yes, freeze my account</button>
</form>
<p>If you made the change yourself, close this page: nothing happens.</p>`,
  );

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

const answer = (req: Request, res: Response, status: number, body: { message: string }) => {
  res.set('cache-control', 'no-store');
  if (req.is('application/x-www-form-urlencoded'))
    res
      .status(status)
      .type('html')
      .send(layout(status === 200 ? 'Account frozen' : 'Link not valid', `<p>${escapeHtml(body.message)}</p>`));
  else res.status(status).json(body);
};

export const noticesRouter = (service: NoticeService, limits: { perIpPer15Minutes: number }): Router => {
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
    res.set('cache-control', 'no-store').type('html').send(confirmPage(token));
  });
  router.post('/cancel', async (req, res) => {
    const body = (req.body ?? {}) as { t?: unknown; token?: unknown };
    const token = tokenOf(body.t ?? body.token);
    const outcome = await service.cancel(token);
    if (outcome.result === 'frozen') answer(req, res, 200, FROZEN);
    else answer(req, res, 410, NOT_VALID);
  });
  return router;
};
