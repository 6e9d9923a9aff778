/**
 * Who calls the API: a bearer access token issued by the realm (signature checked against the realm's
 * JWKS through jwks-rsa, issuer and expiry checked), carrying the realm role the route asks for and the
 * proof of a second factor (`acr`) the helpdesk rules ask for. Keys live in jwks-rsa's cache for at most
 * `jwksCacheMaxAgeMs`, so a key the realm withdrew stops verifying after that; an unknown key id
 * fetches the JWKS again, a few times a minute at most, so forged key ids cannot make us hammer Keycloak.
 */
import { parseCookie } from 'cookie';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import jwksRsa from 'jwks-rsa';
import { sameSecret } from '../util/seal.js';
import { ApiError } from './errors.js';

/** a realm's base URL: `<keycloak>/realms/<realm>` */
export const realmUrlOf = (keycloakUrl: string, realm: string) =>
  `${keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(realm)}`;

export interface Caller {
  userId: string;
  username: string;
  roles: string[];
  /** the token's `acr`: the level of authentication Keycloak reached (e.g. `mfa`) */
  acr?: string;
  /** the token's `auth_time` (epoch seconds): when the person last typed their credentials */
  authTime?: number;
  /** the Keycloak SSO session (`sid`) the token belongs to */
  sid?: string;
  /** the user's `locale` attribute, as the profile scope's locale mapper puts it in tokens (staff pages' language) */
  locale?: string;
}

/** tokens remembered after a full check, so a page's burst of calls pays for one RSA verification */
const VERIFIED_CACHE_SIZE = 1_000;
/** how long a fetched key is trusted before the JWKS is read again */
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;

export interface TokenVerifierOptions {
  keycloakUrl: string;
  realm: string;
  /** clients whose tokens are accepted (the token's `azp`); empty = any client of the realm */
  clients?: string[];
  /** Keycloak's URL as browsers see it, which names the issuer of their tokens (default: keycloakUrl) */
  publicKeycloakUrl?: string;
  jwksCacheMaxAgeMs?: number;
}

type Claims = jwt.JwtPayload & {
  preferred_username?: string;
  realm_access?: { roles?: string[] };
  typ?: string;
  azp?: string;
  acr?: string;
  auth_time?: number;
  sid?: string;
  locale?: string;
};

/** The caller a verified token's claims stand for. */
const callerOf = (claims: Claims): Caller => ({
  userId: String(claims.sub),
  username: claims.preferred_username ?? '',
  roles: claims.realm_access?.roles ?? [],
  ...(typeof claims.acr === 'string' ? { acr: claims.acr } : {}),
  ...(typeof claims.auth_time === 'number' ? { authTime: claims.auth_time } : {}),
  ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}),
  ...(typeof claims.locale === 'string' ? { locale: claims.locale } : {}),
});

export class TokenVerifier {
  private readonly verified = new Map<string, { caller: Caller; expiresAt: number }>();
  private readonly keys: jwksRsa.JwksClient;
  private readonly options: Required<TokenVerifierOptions>;

  constructor(options: TokenVerifierOptions) {
    this.options = {
      clients: [],
      publicKeycloakUrl: options.keycloakUrl,
      jwksCacheMaxAgeMs: JWKS_CACHE_MAX_AGE_MS,
      ...options,
    };
    this.keys = jwksRsa({
      jwksUri: `${realmUrlOf(this.options.keycloakUrl, this.options.realm)}/protocol/openid-connect/certs`,
      cache: true,
      cacheMaxAge: this.options.jwksCacheMaxAgeMs,
      rateLimit: true,
      jwksRequestsPerMinute: 6,
      timeout: 10_000,
    });
  }

  get issuer() {
    return realmUrlOf(this.options.publicKeycloakUrl, this.options.realm);
  }

  async verify(token: string): Promise<Caller | undefined> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.caller;
    this.verified.delete(token);
    const checked = await this.check(token);
    if (checked) {
      // Oldest out first (a Map keeps insertion order).
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
      // Never remembered longer than its key is: a withdrawn key must stop vouching for its tokens too.
      const until = Math.min(checked.expiresAt, Date.now() + this.options.jwksCacheMaxAgeMs);
      this.verified.set(token, { caller: checked.caller, expiresAt: until });
    }
    return checked?.caller;
  }

  /** the public key for a key id, or undefined when the realm does not publish it (or cannot be asked) */
  private async keyFor(kid: string): Promise<string | undefined> {
    try {
      return (await this.keys.getSigningKey(kid)).getPublicKey();
    } catch {
      return undefined;
    }
  }

  /** The full check: signature by a published key, RS256 only, issuer, expiry, client, subject. */
  private async check(token: string): Promise<{ caller: Caller; expiresAt: number } | undefined> {
    const header = jwt.decode(token, { complete: true })?.header;
    if (!header?.kid || header.alg !== 'RS256') return undefined;
    const key = await this.keyFor(header.kid);
    if (!key) return undefined;
    try {
      const claims = jwt.verify(token, key, { algorithms: ['RS256'], issuer: this.issuer }) as Claims;
      if (claims.typ && claims.typ !== 'Bearer') return undefined;
      const { clients } = this.options;
      if (clients.length > 0 && (!claims.azp || !clients.includes(claims.azp))) return undefined;
      if (!claims.sub || typeof claims.exp !== 'number') return undefined;
      return { caller: callerOf(claims), expiresAt: claims.exp * 1000 };
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

/** What staff must have proven: the realm's two-factor level, recently enough for a write. */
export interface StaffProof {
  /** the `acr` a token must carry (helpdesk.acr) */
  acr: string;
  /** the realm's `acr.loa.map` when known: then any level at or above the required one counts */
  loaMap?: () => Promise<Record<string, number> | undefined>;
  /** writes need `auth_time` at most this old (helpdesk.maxAuthAgeSeconds) */
  maxAuthAgeSeconds: number;
}

/** The level an `acr` stands for: its name in the map, or a bare number (Keycloak's fallback). */
const levelOf = (acr: string, map: Record<string, number>): number | undefined =>
  typeof map[acr] === 'number' ? map[acr] : /^\d{1,2}$/.test(acr) ? Number(acr) : undefined;

/** Whether a caller's `acr` meets the required one: by name, or by level when the realm's map is known. */
export const acrSatisfies = (acr: string | undefined, required: string, map?: Record<string, number>): boolean => {
  if (!acr) return false;
  if (acr === required) return true;
  const want = map?.[required];
  if (!map || typeof want !== 'number') return false;
  const have = levelOf(acr, map);
  return have !== undefined && have >= want;
};

/** Whether a sign-in is recent enough for a write. */
export const freshEnough = (authTime: number | undefined, maxAgeSeconds: number, now = Date.now()): boolean =>
  typeof authTime === 'number' && now / 1000 - authTime <= maxAgeSeconds;

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 403 without the second factor; 401 for a write on a sign-in older than the helpdesk allows. */
const proofProblem = async (caller: Caller, proof: StaffProof, method: string): Promise<ApiError | undefined> => {
  const map = await proof.loaMap?.().catch(() => undefined);
  if (!acrSatisfies(caller.acr, proof.acr, map))
    return new ApiError(403, 'second_factor_required', 'Sign in with your second factor (one-time code) to use this');
  if (!SAFE_METHODS.has(method) && !freshEnough(caller.authTime, proof.maxAuthAgeSeconds))
    return new ApiError(401, 'reauthentication_required', 'Sign in again to confirm it is you before this change');
  return undefined;
};

/** The caller a request names: its bearer token, or else (when the page is on) its session cookie. */
const callerOfRequest = async (
  verifier: TokenVerifier,
  sessions: CookieSessions | undefined,
  req: Parameters<RequestHandler>[0],
): Promise<Caller | ApiError | undefined> => {
  const authorization = req.get('authorization');
  if (authorization || !sessions) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    return match?.[1] ? await verifier.verify(match[1]) : undefined;
  }
  const sessionId = parseCookie(req.headers.cookie ?? '')[sessions.cookieName];
  const session = await sessions.resolve(sessionId);
  if (session && !SAFE_METHODS.has(req.method) && !sameSecret(req.get('x-csrf-token') ?? '', session.csrf))
    return new ApiError(403, 'csrf', 'The request lacks the page’s CSRF token; reload the page');
  return session?.caller;
};

/**
 * 401 without a valid token (or page session), 403 without the role or the second factor, 401 for a
 * write on a stale sign-in; the caller lands in res.locals.caller. A page session is a cookie, which
 * browsers attach on their own, so its unsafe requests must also carry the session's CSRF token.
 */
export const requireRole =
  (verifier: TokenVerifier, role: string, proof: StaffProof, sessions?: CookieSessions): RequestHandler =>
  async (req, res, next) => {
    const caller = await callerOfRequest(verifier, sessions, req);
    if (caller instanceof ApiError) return next(caller);
    if (!caller) {
      res.set('WWW-Authenticate', 'Bearer');
      return next(new ApiError(401, 'unauthorized', 'A valid access token of the realm is required'));
    }
    if (!caller.roles.includes(role)) return next(new ApiError(403, 'forbidden', `The realm role ${role} is required`));
    const problem = await proofProblem(caller, proof, req.method);
    if (problem) return next(problem);
    res.locals.caller = caller;
    next();
  };
