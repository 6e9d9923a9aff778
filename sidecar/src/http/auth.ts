/**
 * Who calls the API: a bearer access token issued by the realm (signature checked against the realm's
 * JWKS, issuer and expiry checked), carrying the realm role the route asks for. Keys are cached and
 * fetched again when a token names an unknown key id.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { parseCookie } from 'cookie';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { sameSecret } from '../util/seal.js';
import { ApiError } from './errors.js';

/** a realm's base URL: `<keycloak>/realms/<realm>` */
export const realmUrlOf = (keycloakUrl: string, realm: string) =>
  `${keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(realm)}`;

export interface Caller {
  userId: string;
  username: string;
  roles: string[];
}

interface Jwk extends JsonWebKey {
  kid?: string;
  kty: string;
  use?: string;
  alg?: string;
}

/** tokens remembered after a full check, so a page's burst of calls pays for one RSA verification */
const VERIFIED_CACHE_SIZE = 1_000;

export class TokenVerifier {
  private keys = new Map<string, KeyObject>();
  private lastFetch = 0;
  private readonly verified = new Map<string, { caller: Caller; expiresAt: number }>();

  constructor(
    private readonly keycloakUrl: string,
    private readonly realm: string,
    /** clients whose tokens are accepted (the token's `azp`); empty = any client of the realm */
    private readonly clients: string[] = [],
    /** Keycloak's URL as browsers see it, which names the issuer of their tokens (default: keycloakUrl) */
    private readonly publicKeycloakUrl = keycloakUrl,
  ) {}

  get issuer() {
    return realmUrlOf(this.publicKeycloakUrl, this.realm);
  }

  private refreshing?: Promise<void>;

  /** Fetches the JWKS; concurrent callers share one fetch, so a burst at start-up is not refused. */
  private refreshKeys(): Promise<void> {
    // At most one JWKS fetch every 10 s, so forged key ids can't make us hammer Keycloak.
    if (this.refreshing) return this.refreshing;
    if (Date.now() - this.lastFetch < 10_000) return Promise.resolve();
    this.lastFetch = Date.now();
    this.refreshing = this.fetchKeys().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async fetchKeys() {
    const response = await fetch(`${realmUrlOf(this.keycloakUrl, this.realm)}/protocol/openid-connect/certs`);
    if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
    const { keys } = (await response.json()) as { keys: Jwk[] };
    this.keys = new Map(
      keys
        .filter((k) => k.kid && k.kty === 'RSA' && (k.use ?? 'sig') === 'sig')
        .map((k) => [k.kid as string, createPublicKey({ key: k, format: 'jwk' })]),
    );
  }

  async verify(token: string): Promise<Caller | undefined> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.caller;
    this.verified.delete(token);
    const caller = await this.check(token);
    if (caller) {
      // Oldest out first (a Map keeps insertion order).
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { caller: caller.caller, expiresAt: caller.expiresAt });
    }
    return caller?.caller;
  }

  /** The full check: signature by a published key, RS256 only, issuer, expiry, client, subject. */
  private async check(token: string): Promise<{ caller: Caller; expiresAt: number } | undefined> {
    const header = jwt.decode(token, { complete: true })?.header;
    if (!header?.kid) return undefined;
    if (!this.keys.has(header.kid)) await this.refreshKeys().catch(() => undefined);
    const key = this.keys.get(header.kid);
    if (!key) return undefined;
    try {
      const claims = jwt.verify(token, key, { algorithms: ['RS256'], issuer: this.issuer }) as jwt.JwtPayload & {
        preferred_username?: string;
        realm_access?: { roles?: string[] };
        typ?: string;
      };
      if (claims.typ && claims.typ !== 'Bearer') return undefined;
      const azp = (claims as { azp?: string }).azp;
      if (this.clients.length > 0 && (!azp || !this.clients.includes(azp))) return undefined;
      if (!claims.sub || typeof claims.exp !== 'number') return undefined;
      return {
        caller: {
          userId: String(claims.sub),
          username: claims.preferred_username ?? '',
          roles: claims.realm_access?.roles ?? [],
        },
        expiresAt: claims.exp * 1000,
      };
    } catch {
      return undefined;
    }
  }
}

/** Sessions of the helpdesk page, found by their cookie. */
export interface CookieSessions {
  cookieName: string;
  resolve(sessionId: string | undefined): Promise<{ caller: Caller; csrf: string } | undefined>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * 401 without a valid token (or page session), 403 without the role; the caller lands in
 * res.locals.caller. A page session is a cookie, which browsers attach on their own, so its unsafe
 * requests must also carry the session's CSRF token in X-CSRF-Token.
 */
export const requireRole =
  (verifier: TokenVerifier, role: string, sessions?: CookieSessions): RequestHandler =>
  async (req, res, next) => {
    const authorization = req.get('authorization');
    let caller: Caller | undefined;
    if (authorization || !sessions) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      caller = match?.[1] ? await verifier.verify(match[1]) : undefined;
    } else {
      const sessionId = parseCookie(req.headers.cookie ?? '')[sessions.cookieName];
      const session = await sessions.resolve(sessionId);
      if (session && !SAFE_METHODS.has(req.method) && !sameSecret(req.get('x-csrf-token') ?? '', session.csrf))
        return next(new ApiError(403, 'csrf', 'The request lacks the page’s CSRF token; reload the page'));
      caller = session?.caller;
    }
    if (!caller) {
      res.set('WWW-Authenticate', 'Bearer');
      return next(new ApiError(401, 'unauthorized', 'A valid access token of the realm is required'));
    }
    if (!caller.roles.includes(role)) return next(new ApiError(403, 'forbidden', `The realm role ${role} is required`));
    res.locals.caller = caller;
    next();
  };
