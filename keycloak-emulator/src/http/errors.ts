/**
 * Keycloak's error bodies. Keycloak answers admin errors in two shapes: `{"error": ...}` for JAX-RS
 * exceptions (404, 401, 403, unmatched routes) and `{"errorMessage": ...}` for its ErrorResponse
 * (409, most 400s). Every route throws one of these and the error middleware writes it.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';

export class KeycloakHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown> | undefined,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/** JAX-RS NotFoundException with a message, e.g. "User not found". */
export const notFound = (message: string) => new KeycloakHttpError(404, { error: message });

/** ErrorResponse.exists(...) */
export const conflict = (errorMessage: string) => new KeycloakHttpError(409, { errorMessage });

/** ErrorResponse.error(..., BAD_REQUEST) */
export const badRequest = (errorMessage: string, extra: Record<string, unknown> = {}) =>
  new KeycloakHttpError(400, { errorMessage, ...extra });

export const unauthorized = () =>
  new KeycloakHttpError(401, { error: 'HTTP 401 Unauthorized' }, { 'WWW-Authenticate': 'Bearer' });

export const forbidden = () => new KeycloakHttpError(403, { error: 'HTTP 403 Forbidden' });

/** OAuth 2 errors of the token endpoint. */
export const oauthError = (status: number, error: string, errorDescription?: string) =>
  new KeycloakHttpError(
    status,
    errorDescription === undefined ? { error } : { error, error_description: errorDescription },
  );

export const routeNotFound: RequestHandler = (_req, _res, next) => {
  next(
    new KeycloakHttpError(404, {
      error: 'Unable to find matching target resource method',
      error_description: 'For more on this error consult the server log.',
    }),
  );
};

interface BodyParserError {
  type?: string;
  status?: number;
}

export const errorMiddleware: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof KeycloakHttpError) {
    res.set(err.headers);
    if (err.body === undefined) res.status(err.status).end();
    else res.status(err.status).json(err.body);
    return;
  }
  const parserError = err as BodyParserError;
  if (parserError.type === 'entity.parse.failed') {
    res.status(400).json({ error: 'unknown_error' });
    return;
  }
  if (parserError.type === 'entity.too.large') {
    res.status(413).json({ error: 'Request Entity Too Large' });
    return;
  }
  // Keycloak answers unexpected failures with this body; the emulator logs the cause for its developers.
  console.error('[keycloak-emulator] unexpected error', err);
  res.status(500).json({ error: 'unknown_error', error_description: 'For more on this error consult the server log.' });
};
