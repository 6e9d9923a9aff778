/** JSON errors for the sidecar's API: `{ "error": code, "message": text }`, never a stack or a secret. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../observability/logger.js';
import { isStoreUnreachable } from '../store/database.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, 'bad_request', message, details);
export const notFound = (message = 'Not found') => new ApiError(404, 'not_found', message);

/**
 * PostgreSQL refusing a value the client sent: a NUL or invalid character (22021, 22P05), a value of the
 * wrong form (22P02, 22007, 22008) or too long (22001). The input was bad, so a 400, not a 500.
 */
const UNSTORABLE_INPUT = new Set(['22021', '22P05', '22P02', '22007', '22008', '22001']);

/** Which dependency an error says is down: the store or Keycloak; undefined for anything else. */
const dependencyDown = (error: unknown): 'store' | 'keycloak' | undefined => {
  if ((error as Error)?.name === 'KeycloakUnavailableError') return 'keycloak';
  return isStoreUnreachable(error) ? 'store' : undefined;
};

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new ApiError(404, 'not_found', `No route for ${req.method} ${req.path}`));

export const errorHandler =
  (logger: Logger): ErrorRequestHandler =>
  (error, req, res, _next) => {
    if (error instanceof ApiError) {
      res
        .status(error.status)
        .json({ error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
      return;
    }
    const parser = error as { type?: string; status?: number };
    if (parser.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'bad_request', message: 'The body is not valid JSON' });
      return;
    }
    if (parser.type === 'entity.too.large') {
      res.status(413).json({ error: 'payload_too_large', message: 'The body is too large' });
      return;
    }
    if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
      res.status(parser.status).json({ error: 'bad_request', message: 'The request could not be read' });
      return;
    }
    if (UNSTORABLE_INPUT.has(String((error as { code?: string }).code))) {
      res
        .status(400)
        .json({ error: 'bad_request', message: 'The request holds characters or values that cannot be used' });
      return;
    }
    const unavailable = dependencyDown(error);
    if (unavailable) {
      logger.warn({ err: (error as Error).message, requestId: req.id }, `${unavailable} unavailable`);
      res
        .status(503)
        .set('Retry-After', '5')
        .json({ error: `${unavailable}_unavailable`, message: `The ${unavailable} is unavailable; try again shortly` });
      return;
    }
    logger.error({ err: error, requestId: req.id }, 'request failed');
    res
      .status(500)
      .json({ error: 'internal_error', message: 'Something went wrong; the request id is in the X-Request-Id header' });
  };
