/** JSON errors for the sidecar's API: `{ "error": code, "message": text }`, never a stack or a secret. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../observability/logger.js';

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
    logger.error({ err: error, requestId: req.id }, 'request failed');
    res
      .status(500)
      .json({ error: 'internal_error', message: 'Something went wrong; the request id is in the X-Request-Id header' });
  };
