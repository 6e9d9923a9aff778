/**
 * Self-service recovery over HTTP. `POST /api/v1/recovery` `{ "identifier": "<username or email>" }` (JSON or a
 * form post from the page at `/recovery`): the answer is the same 202 whether or not an account matches, at
 * every level, sent before any lookup (the work happens off the request path). Limited per client IP here and
 * per resolved account in the service, both counted in the store (shared by replicas); the per-account limit
 * is silent, so it tells nothing either. `GET /recovery/complete`: where the link returns; it starts the fresh
 * sign-in (password + code) that proves the new device — through the sign-in client `<recovery client>-signin`,
 * as the link client has no browser flow — and finishes it (recovery.prove).
 */
import { parseCookie } from 'cookie';
import express, { type CookieOptions, type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import type { RecoveryLevel } from '../../../realm-files/src/index.js';
import { recoverySignInClientOf } from '../../../realm-files/src/index.js';
import { ApiError, badRequest } from '../http/errors.js';
import type { Logger } from '../observability/logger.js';
import { escapeHtml } from '../util/html.js';
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
import { completionPage, confirmStartPage, recoveryPage } from './recovery-pages.js';

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
    if (req.is('application/x-www-form-urlencoded'))
      res
        .status(202)
        .type('html')
        .send(`<!doctype html><title>Check your email</title><p>${escapeHtml(ACCEPTED.message)}</p>`);
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
  const start = (res: Response) => {
    const proof = newPendingProof();
    res.cookie(PROOF_COOKIE, sealProof(options.sealer, proof), cookie(10 * 60_000));
    res.redirect(303, proofAuthorizationUrl(login, proof, options.completeUrl()));
  };
  const finish = async (req: Request, res: Response, code: string) => {
    const proof = openProof(options.sealer, parseCookie(req.headers.cookie ?? '')[PROOF_COOKIE]);
    res.clearCookie(PROOF_COOKIE, cookie(0));
    if (!proof || proof.state !== req.query.state) return res.status(400).type('html').send(completionPage('expired'));
    const signIn = await verifier.redeem(code, proof, options.completeUrl()).catch((error) => {
      options.logger.warn({ err: (error as Error).message }, 'recovery sign-in not verified');
      return undefined;
    });
    if (!signIn) return res.status(400).type('html').send(completionPage('expired'));
    const proven = await options.service.prove(signIn);
    res.type('html').send(completionPage(proven ? 'done' : 'nothing-pending'));
  };
  return async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const code = req.query.code;
    if (typeof code === 'string' && code.length > 0 && code.length < 4096) return finish(req, res, code);
    if (req.query.error !== undefined) return res.status(400).type('html').send(completionPage('expired'));
    if (req.query.start === undefined) return res.type('html').send(confirmStartPage());
    start(res);
  };
};

export const recoveryRouters = (options: RecoveryHttpOptions) => {
  const api = Router();
  api.use(express.urlencoded({ extended: false, limit: '2kb' }));
  api.post('/', requestRoute(options));

  const page = Router();
  page.get('/', (_req, res) => {
    res.type('html').send(recoveryPage(options.level));
  });
  page.get('/complete', completeRoute(options));
  return { api, page };
};
