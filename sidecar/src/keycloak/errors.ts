/**
 * What a failed Keycloak call means to the sidecar: `KeycloakUnavailableError` when Keycloak could not be
 * reached or kept failing (the connection gave up), otherwise the admin client's HTTP error, whose status
 * `statusOf` reads. 404-tolerance lives here so every caller treats "gone" the same way.
 */

export class KeycloakUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeycloakUnavailableError';
  }
}

/** An HTTP error Keycloak answered (the admin client's NetworkError carries the response). */
export const statusOf = (error: unknown): number | undefined => {
  const response = (error as { response?: { status?: number } } | undefined)?.response;
  return typeof response?.status === 'number' ? response.status : undefined;
};

/** A catch handler that turns one HTTP status into a value (e.g. 404 into "already gone"). */
export const whenStatus =
  <T>(status: number, value: T) =>
  (error: unknown): T => {
    if (statusOf(error) === status) return value;
    throw error;
  };

/**
 * The result, or undefined when Keycloak answers 404 (the user, role or credential is gone). Wrapped
 * around `call` the 404 still counts as a client error in the metrics; inside it, as a success.
 */
export const unlessGone = <T>(request: Promise<T>): Promise<T | undefined> => request.catch(whenStatus(404, undefined));
