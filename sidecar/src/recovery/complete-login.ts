/**
 * The sign-in that proves a recovery: the authorization code flow with PKCE (S256) for the recovery sign-in
 * client (`<recovery client>-signin`; the link client itself has no browser flow), with
 * `prompt=login&max_age=0` so Keycloak asks the password and a code again whatever SSO cookie the browser holds. State, nonce and verifier travel in a sealed, short-lived cookie (any replica can finish).
 * The ID token is checked against the realm's published keys (cached at most KEYS_MAX_AGE_MS, so a withdrawn
 * key stops verifying; jwks-rsa cannot load under the test runner's VM modules, hence this small cache):
 * RS256, issuer, audience, nonce, expiry; then `sub`, `auth_time`, `sid`.
 */
import { createPublicKey, type JsonWebKey, type KeyObject, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { authorizationUrl, openPendingLogin } from '../helpdesk-page/staff-login.js';
import type { Sealer } from '../util/seal.js';

export interface CompleteLoginOptions {
  /** the realm's URL as browsers reach it (authorization endpoint; the tokens' issuer) */
  publicRealmUrl: string;
  /** the realm's URL as the sidecar reaches it (token endpoint, keys) */
  realmUrl: string;
  clientId: string;
}

export interface PendingProof {
  state: string;
  nonce: string;
  verifier: string;
  expiresAt: number;
}

/** What a verified ID token says about the sign-in. */
export interface ProvenSignIn {
  userId: string;
  authTime: Date;
  sessionId?: string;
  /** the user's `locale` attribute, when the profile scope's locale mapper put it in the token */
  locale?: string;
}

const LIFETIME_MS = 10 * 60_000;
const random = () => randomBytes(32).toString('base64url');

export const newPendingProof = (now = Date.now()): PendingProof => ({
  state: random(),
  nonce: random(),
  verifier: random(),
  expiresAt: now + LIFETIME_MS,
});

export const sealProof = (sealer: Sealer, proof: PendingProof) => sealer.seal(JSON.stringify(proof));

/** The pending sign-in from its cookie, when sealed by this key and not expired (the staff login's check). */
export const openProof = (sealer: Sealer, sealed: string | undefined, now = Date.now()): PendingProof | undefined =>
  openPendingLogin(sealer, sealed, now) as unknown as PendingProof | undefined;

/** The staff login's authorization URL (code flow, PKCE S256, state), plus a nonce and a forced fresh sign-in. */
export const proofAuthorizationUrl = (
  options: CompleteLoginOptions,
  proof: PendingProof,
  redirectUri: string,
  uiLocale?: string,
) => {
  // The staff login's level and age parameters do not apply: a forced fresh sign-in (prompt, max_age=0) does.
  const url = new URL(
    authorizationUrl({ ...options, acr: '', maxAuthAgeSeconds: 0 }, { ...proof, returnTo: '' }, redirectUri),
  );
  url.searchParams.delete('acr_values');
  url.searchParams.set('nonce', proof.nonce);
  url.searchParams.set('prompt', 'login');
  url.searchParams.set('max_age', '0');
  if (uiLocale) url.searchParams.set('ui_locales', uiLocale);
  return url.toString();
};

export class ProofFailed extends Error {}

const KEYS_MAX_AGE_MS = 10 * 60_000;
/** at most one fetch per this interval, so forged key ids cannot make the sidecar hammer Keycloak */
const KEYS_MIN_INTERVAL_MS = 10_000;

export class ProofVerifier {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;

  constructor(private readonly options: CompleteLoginOptions) {}

  private async keyFor(kid: string): Promise<KeyObject | undefined> {
    const age = Date.now() - this.fetchedAt;
    if (age > KEYS_MAX_AGE_MS || (!this.keys.has(kid) && age > KEYS_MIN_INTERVAL_MS)) {
      this.fetchedAt = Date.now();
      const response = await fetch(`${this.options.realmUrl}/protocol/openid-connect/certs`, {
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new ProofFailed(`JWKS answered ${response.status}`);
      const { keys } = (await response.json()) as { keys: (JsonWebKey & { kid?: string; use?: string })[] };
      this.keys = new Map(
        keys
          .filter((k) => k.kid && k.kty === 'RSA' && (k.use ?? 'sig') === 'sig')
          .map((k) => [k.kid as string, createPublicKey({ key: k, format: 'jwk' })]),
      );
    }
    return this.keys.get(kid);
  }

  /** Exchanges the code (with the PKCE verifier) and returns the verified ID token's facts. */
  async redeem(code: string, proof: PendingProof, redirectUri: string): Promise<ProvenSignIn> {
    const response = await fetch(`${this.options.realmUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: this.options.clientId,
        code,
        redirect_uri: redirectUri,
        code_verifier: proof.verifier,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json().catch(() => ({}))) as { id_token?: unknown; error?: unknown };
    if (!response.ok || typeof body.id_token !== 'string')
      throw new ProofFailed(`token endpoint answered ${response.status} ${String(body.error ?? '')}`.trim());
    return this.verify(body.id_token, proof.nonce);
  }

  private async verify(idToken: string, nonce: string): Promise<ProvenSignIn> {
    const kid = jwt.decode(idToken, { complete: true })?.header.kid;
    if (!kid) throw new ProofFailed('ID token without a key id');
    const key = await this.keyFor(kid);
    if (!key) throw new ProofFailed('ID token signed by an unknown key');
    const claims = jwt.verify(idToken, key, {
      algorithms: ['RS256'],
      issuer: this.options.publicRealmUrl,
      audience: this.options.clientId,
      nonce,
    }) as jwt.JwtPayload & { auth_time?: number; sid?: string; typ?: string; locale?: unknown };
    if (claims.typ !== undefined && claims.typ !== 'ID') throw new ProofFailed('not an ID token');
    if (!claims.sub || typeof claims.auth_time !== 'number') throw new ProofFailed('ID token without sub or auth_time');
    return {
      userId: claims.sub,
      authTime: new Date(claims.auth_time * 1000),
      ...(claims.sid ? { sessionId: claims.sid } : {}),
      ...(typeof claims.locale === 'string' ? { locale: claims.locale } : {}),
    };
  }
}
