/**
 * Redirect URI checks as Keycloak makes them: the URI must match one of the client's `redirectUris`,
 * where a trailing `*` matches any suffix and a relative entry is resolved against the client's rootUrl.
 */
import type { ClientModel } from '../state/model.js';

const resolve = (pattern: string, client: ClientModel, baseUrl: string) => {
  if (!pattern.startsWith('/')) return pattern;
  const root = (client.rootUrl ?? '').replace('${authBaseUrl}', baseUrl).replace('${authAdminUrl}', baseUrl);
  return `${root || baseUrl}${pattern}`;
};

export const redirectUriAllowed = (client: ClientModel, redirectUri: string, baseUrl: string): boolean => {
  let candidate: URL;
  try {
    candidate = new URL(redirectUri);
  } catch {
    return false;
  }
  if (candidate.hash) return false;
  const target = candidate.toString();
  return client.redirectUris.some((raw) => {
    const pattern = resolve(raw, client, baseUrl);
    if (pattern === '*') return true;
    if (pattern.endsWith('*')) return target.startsWith(pattern.slice(0, -1));
    return target === pattern || redirectUri === pattern;
  });
};
