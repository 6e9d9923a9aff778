/**
 * The login cookies: AUTH_SESSION_ID ties a browser to its logins in progress, KEYCLOAK_IDENTITY names
 * its SSO session and is signed with the realm's HMAC secret, so it cannot be forged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { realmKeys } from '../oidc/keys.js';
import type { RealmModel } from '../state/model.js';

export const AUTH_SESSION_COOKIE = 'AUTH_SESSION_ID';
export const IDENTITY_COOKIE = 'KEYCLOAK_IDENTITY';
export const SESSION_COOKIE = 'KEYCLOAK_SESSION';

const parseCookies = (header: string | undefined): Record<string, string> => {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies[part.slice(0, index).trim()] = decodeURIComponent(part.slice(index + 1).trim());
  }
  return cookies;
};

export const cookieOf = (req: Request, name: string): string | undefined => parseCookies(req.headers.cookie)[name];

export const cookiePath = (realm: RealmModel) => `/realms/${encodeURIComponent(realm.name)}/`;

export const identityCookie = (realm: RealmModel, sessionId: string) =>
  `${sessionId}.${createHmac('sha256', realmKeys(realm).hmacSecret).update(sessionId).digest('base64url')}`;

/** The SSO session the browser's identity cookie names, when its signature holds. */
export const ssoSessionOf = (req: Request, realm: RealmModel): string | undefined => {
  const value = cookieOf(req, IDENTITY_COOKIE);
  if (!value) return undefined;
  const [sessionId = '', signature = ''] = value.split('.');
  const expected = identityCookie(realm, sessionId).split('.')[1] ?? '';
  if (signature.length !== expected.length) return undefined;
  return timingSafeEqual(Buffer.from(signature), Buffer.from(expected)) ? sessionId : undefined;
};
