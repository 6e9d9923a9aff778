/**
 * Self-service recovery over HTTP. `POST /api/v1/recovery` `{ "identifier": "<username or email>" }` (JSON or a
 * form post from the page at `/recovery`): the answer is the same 202 whether or not an account matches, at
 * every level, sent before any lookup (the work happens off the request path). Limited per client IP here and
 * per resolved account in the service, both counted in the store (shared by replicas); the per-account limit
 * is silent, so it tells nothing either. `GET /recovery/complete`: where the link returns; it starts the fresh
 * sign-in (password + code) that proves the new device — through the sign-in client `<recovery client>-signin`,
 * as the link client has no browser flow — and finishes it (recovery.prove). Form posts and pages get HTML in
 * the person's language (end-user-pages/); the JSON answers stay as they are.
 */
import { parseCookie } from 'cookie';
import express, { type CookieOptions, type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import type { RecoveryLevel } from '../../../realm-files/src/index.js';
import { recoverySignInClientOf } from '../../../realm-files/src/index.js';
import type { EndUserPages } from '../end-user-pages/end-user-http.js';
import { ApiError, badRequest } from '../http/errors.js';
import type { Logger } from '../observability/logger.js';
import type { Sealer } from '../util/seal.js';
import {
  type CompleteLoginOptions,
  newPendingProof,
  openProof,
  ProofVerifier,
  proofAuthorizationUrl,
  sealProof,
} from './complete-login.js';
import type { RecoveryService } from './recovery.js';
import {
  type CompletionOutcome,
  completionPage,
  confirmStartPage,
  recoveryPage,
  requestAnsweredPage,
} from './recovery-pages.js';

export const ACCEPTED = {
  status: 'accepted',
  message: 'If an account matches, an email with a recovery link is on its way. It is valid for a limited time.',
};

const BODY = z.object({ identifier: z.string().trim().min(1).max(254) }).strict();
const PROOF_COOKIE = 'otp_recovery_proof';

const tooMany = () => new ApiError(429, 'too_many_requests', 'Too many recovery requests; try again later');

export interface RecoveryHttpOptions {
  service: RecoveryService;
  level: RecoveryLevel;
  /** sidecar.yaml recovery.completionWindowMinutes, which the page's steps state */
  completionWindowMinutes: number;
  /** the end-user pages' frame and language */
  pages: EndUserPages;
  logger: Logger;
  /**
   * realm URLs and the link client (sidecar.yaml `recovery.clientId`); the proving sign-in goes through its
   * companion `<clientId>-signin`, never through the link client (whose events alone count: see recovery.ts)
   */
  login: CompleteLoginOptions;
  /** seals the pending sign-in's cookie */
  sealer: Sealer;
  /** the absolute URL of /recovery/complete (PUBLIC_URL or the listen address; never the Host header) */
  completeUrl: () => string;
  /** reads Keycloak's events now (the event feed's poll), for a device made moments before the sign-in */
  catchUpEvents: () => Promise<unknown>;
}

/** A queue drained one identifier at a time, off the request path. */
const backgroundQueue = (service: RecoveryService, logger: Logger) => {
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
  return (identifier: string) => {
    if (queue.length < 10_000) queue.push(identifier);
    setImmediate(drain);
  };
};

const requestRoute = (options: RecoveryHttpOptions): RequestHandler => {
  const enqueue = backgroundQueue(options.service, options.logger);
  let proxyWarned = false;
  return async (req, res) => {
    if (!proxyWarned && req.headers['x-forwarded-for'] !== undefined && req.app.get('trust proxy') === false) {
      proxyWarned = true;
      options.logger.warn('X-Forwarded-For received but TRUST_PROXY is unset: per-IP recovery limits count the proxy');
    }
    const parsed = BODY.safeParse(req.body);
    if (!parsed.success) throw badRequest('Expected { "identifier": "<username or email>" }');
    if (!(await options.service.withinIpLimit(req.ip ?? 'unknown'))) throw tooMany();
    enqueue(parsed.data.identifier.toLowerCase());
    // In the language of the request alone, never the account's: the same page for every identifier.
    if (req.is('application/x-www-form-urlencoded')) await options.pages.reply(req, res, 202, requestAnsweredPage);
    else res.status(202).json(ACCEPTED);
  };
};

/**
 * `/recovery/complete`: first a page saying what the sign-in will do; `?start=1` starts the proving sign-in;
 * Keycloak's answer (`?code=&state=`) finishes it.
 */
const completeRoute = (options: RecoveryHttpOptions): RequestHandler => {
  const login = { ...options.login, clientId: recoverySignInClientOf(options.login.clientId) };
  const verifier = new ProofVerifier(login);
  const cookie = (maxAge: number): CookieOptions => ({
    httpOnly: true,
    // Lax: the cookie must ride the redirect back from Keycloak's sign-in page.
    sameSite: 'lax',
    secure: options.completeUrl().startsWith('https:'),
    path: '/recovery',
    maxAge,
  });
  const start = async (req: Request, res: Response) => {
    const proof = newPendingProof();
    // Keycloak's sign-in page in the language of the page the user comes from (until Keycloak knows the user).
    const locale = await options.pages.localeOf(req);
    res.cookie(PROOF_COOKIE, sealProof(options.sealer, proof), cookie(10 * 60_000));
    res.redirect(303, proofAuthorizationUrl(login, proof, options.completeUrl(), locale));
  };
  /** The outcome in the user's language once the sign-in names them (the ID token's locale), else the browser's. */
  const outcome = (req: Request, res: Response, status: number, what: CompletionOutcome, locale?: string) =>
    options.pages.reply(req, res, status, (t) => completionPage(t, what), locale);
  const finish = async (req: Request, res: Response, code: string) => {
    const proof = openProof(options.sealer, parseCookie(req.headers.cookie ?? '')[PROOF_COOKIE]);
    res.clearCookie(PROOF_COOKIE, cookie(0));
    if (!proof || proof.state !== req.query.state) return outcome(req, res, 400, 'expired');
    const signIn = await verifier.redeem(code, proof, options.completeUrl()).catch((error) => {
      options.logger.warn({ err: (error as Error).message }, 'recovery sign-in not verified');
      return undefined;
    });
    if (!signIn) return outcome(req, res, 400, 'expired');
    let proven = await options.service.prove(signIn);
    // The link's device is bound when its event is read (every EVENT_POLL_INTERVAL_SECONDS): a user quicker
    // than the next poll would hear "nothing to confirm", so the events are read now and the proof tried again.
    if (proven === 'nothing-pending') {
      await options
        .catchUpEvents()
        .catch((error) =>
          options.logger.warn({ err: (error as Error).message }, 'recovery: events not read before the proof'),
        );
      proven = await options.service.prove(signIn);
    }
    await outcome(req, res, 200, proven, signIn.locale);
  };
  return async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const code = req.query.code;
    if (typeof code === 'string' && code.length > 0 && code.length < 4096) return finish(req, res, code);
    if (req.query.error !== undefined) return outcome(req, res, 400, 'expired');
    if (req.query.start === undefined) return options.pages.reply(req, res, 200, confirmStartPage);
    await start(req, res);
  };
};

export const recoveryRouters = (options: RecoveryHttpOptions) => {
  const api = Router();
  api.use(express.urlencoded({ extended: false, limit: '2kb' }));
  api.post('/', requestRoute(options));

  const page = Router();
  page.get('/', (req, res) => options.pages.reply(req, res, 200, (t) => recoveryPage(t, options)));
  page.get('/complete', completeRoute(options));
  return { api, page };
};
