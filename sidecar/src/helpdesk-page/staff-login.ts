/**
 * Staff sign-in to the helpdesk page: the authorization code flow with PKCE (S256) against the realm,
 * as a public client (PKCE binds the code to this browser, so no nonce is needed). The state and code verifier travel in a sealed, short-lived cookie, so any
 * replica can finish a login another one started, and nothing of them shows in a URL but the challenge.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Sealer } from '../util/seal.js';

export interface StaffLoginOptions {
  /** the realm's URL as browsers reach it */
  publicRealmUrl: string;
  /** the realm's URL as the sidecar reaches it (token endpoint) */
  realmUrl: string;
  clientId: string;
  /** the level of authentication staff must reach (`acr_values`, helpdesk.acr) */
  acr: string;
  /** a sign-in older than this is redone at Keycloak (`max_age`, helpdesk.maxAuthAgeSeconds) */
  maxAuthAgeSeconds: number;
}

export interface PendingLogin {
  state: string;
  verifier: string;
  returnTo: string;
  expiresAt: number;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** kept for RP-initiated logout (`id_token_hint`), so "Sign out" ends the Keycloak session without asking */
  idToken?: string;
  /** epoch ms */
  accessExpiresAt: number;
  /** epoch ms; Keycloak's SSO session idle bound as told by refresh_expires_in */
  refreshExpiresAt: number;
}

const random = () => randomBytes(32).toString('base64url');

export const LOGIN_LIFETIME_MS = 10 * 60_000;

export const newPendingLogin = (returnTo: string, now = Date.now()): PendingLogin => ({
  state: random(),
  verifier: random(),
  returnTo,
  expiresAt: now + LOGIN_LIFETIME_MS,
});

export const sealPendingLogin = (sealer: Sealer, login: PendingLogin) => sealer.seal(JSON.stringify(login));

export const openPendingLogin = (sealer: Sealer, sealed: string | undefined, now = Date.now()) => {
  const plain = sealed ? sealer.open(sealed) : undefined;
  if (!plain) return undefined;
  const login = JSON.parse(plain) as PendingLogin;
  return login.expiresAt > now ? login : undefined;
};

export const authorizationUrl = (options: StaffLoginOptions, login: PendingLogin, redirectUri: string): string => {
  const url = new URL(`${options.publicRealmUrl}/protocol/openid-connect/auth`);
  url.search = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: login.state,
    code_challenge: createHash('sha256').update(login.verifier).digest('base64url'),
    code_challenge_method: 'S256',
    // The realm's two-factor level, and a fresh sign-in once the last one is older than writes allow.
    acr_values: options.acr,
    max_age: String(options.maxAuthAgeSeconds),
  }).toString();
  return url.toString();
};

/** RP-initiated logout; with the session's ID token as hint Keycloak ends its session without asking. */
export const logoutUrl = (options: StaffLoginOptions, postLogoutRedirectUri: string, idToken?: string): string => {
  const url = new URL(`${options.publicRealmUrl}/protocol/openid-connect/logout`);
  url.search = new URLSearchParams({
    client_id: options.clientId,
    post_logout_redirect_uri: postLogoutRedirectUri,
    ...(idToken ? { id_token_hint: idToken } : {}),
  }).toString();
  return url.toString();
};

export class TokenRequestFailed extends Error {}

const tokenRequest = async (
  options: StaffLoginOptions,
  form: Record<string, string>,
  now = Date.now(),
): Promise<TokenSet> => {
  const response = await fetch(`${options.realmUrl}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: options.clientId, ...form }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  // Keycloak's error code is safe to report; the body may echo nothing secret but is not logged whole.
  if (!response.ok || typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string')
    throw new TokenRequestFailed(`token endpoint answered ${response.status} ${String(body.error ?? '')}`.trim());
  const refreshSeconds = Number(body.refresh_expires_in) || 30 * 60;
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    ...(typeof body.id_token === 'string' ? { idToken: body.id_token } : {}),
    accessExpiresAt: now + (Number(body.expires_in) || 60) * 1000,
    refreshExpiresAt: now + refreshSeconds * 1000,
  };
};

export const exchangeCode = (options: StaffLoginOptions, code: string, login: PendingLogin, redirectUri: string) =>
  tokenRequest(options, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: login.verifier,
  });

export const refreshTokens = (options: StaffLoginOptions, refreshToken: string) =>
  tokenRequest(options, { grant_type: 'refresh_token', refresh_token: refreshToken });
