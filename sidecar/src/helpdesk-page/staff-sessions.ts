/**
 * Helpdesk page sessions, kept in the store so every replica knows them. The browser holds only a
 * random id (HttpOnly cookie); the store holds its hash and one sealed blob (AES-256-GCM under
 * HELPDESK_SESSION_SECRET, bound to the row's id hash) with every fact the session stands on: who, roles,
 * `acr`, `auth_time`, Keycloak's `sid`, the ID token for logout and the refresh token. A row inserted or
 * edited without the key opens to nothing and grants nothing (issue 19, attack 8). When the access token
 * runs out the session refreshes it at Keycloak, which re-checks the account and its roles. A session
 * never outlives Keycloak's SSO session nor 8 hours.
 */
import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Caller, TokenVerifier } from '../http/auth.js';
import type { SqlDatabase } from '../store/database.js';
import type { Sealer } from '../util/seal.js';
import { refreshTokens, type StaffLoginOptions, TokenRequestFailed, type TokenSet } from './staff-login.js';

export const MAX_SESSION_MS = 8 * 3_600_000;
/** refresh this long before the access token expires, so a request never carries a stale role set */
const REFRESH_MARGIN_MS = 15_000;

export interface StaffSession {
  caller: Caller;
  /** the CSRF token bound to this session; unsafe requests must echo it in X-CSRF-Token */
  csrf: string;
  /** the ID token Keycloak issued, the hint of RP-initiated logout */
  idToken?: string;
}

/** What the sealed blob holds. Nothing outside it is trusted. */
export interface SessionFacts {
  caller: Caller;
  refreshToken: string;
  idToken?: string;
  /** epoch ms */
  accessExpiresAt: number;
  expiresAt: number;
  createdAt: number;
}

interface SessionRow {
  sealed: string;
}

const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url');

/** Seals a session's facts to its row: the id hash is the additional data, so a blob moved to another row fails. */
export const sealFacts = (sealer: Sealer, idHash: string, facts: SessionFacts) =>
  sealer.seal(JSON.stringify(facts), `helpdesk_sessions:${idHash}`);

/** The facts of a row, or undefined when the blob was not sealed with this key for this row. */
export const openFacts = (sealer: Sealer, idHash: string, sealed: string): SessionFacts | undefined => {
  const plain = sealer.open(sealed, `helpdesk_sessions:${idHash}`);
  if (!plain) return undefined;
  const facts = JSON.parse(plain) as SessionFacts;
  return typeof facts.caller?.userId === 'string' && typeof facts.refreshToken === 'string' ? facts : undefined;
};

export class StaffSessions {
  constructor(
    private readonly options: {
      db: SqlDatabase;
      realm: string;
      sealer: Sealer;
      verifier: TokenVerifier;
      login: StaffLoginOptions;
    },
  ) {}

  csrfFor(sessionId: string): string {
    return this.options.sealer.mac(`csrf:${sessionId}`);
  }

  /**
   * The caller a token set stands for, or undefined when the access token does not verify. Where the access
   * token leaves out `sid`, `acr`, `auth_time` or `locale` (e.g. Keycloak's lightweight access tokens), they are read
   * from the ID token of the same answer, which came straight from the token endpoint (OIDC Core 3.1.3.7).
   */
  async verify(tokens: TokenSet): Promise<Caller | undefined> {
    const caller = await this.options.verifier.verify(tokens.accessToken);
    if (!caller || !tokens.idToken) return caller;
    const id = jwt.decode(tokens.idToken, { json: true });
    if (!id || id.sub !== caller.userId) return caller;
    return {
      ...(typeof id.sid === 'string' ? { sid: id.sid } : {}),
      ...(typeof id.acr === 'string' ? { acr: id.acr } : {}),
      ...(typeof id.auth_time === 'number' ? { authTime: id.auth_time } : {}),
      ...(typeof id.locale === 'string' ? { locale: id.locale } : {}),
      ...caller,
    };
  }

  /** stores a new session and returns its id, the cookie value */
  async create(caller: Caller, tokens: TokenSet, now = Date.now()): Promise<string> {
    const { db, realm } = this.options;
    const id = randomBytes(32).toString('base64url');
    const facts = this.factsOf(caller, tokens, now, now);
    await db.query('delete from helpdesk_sessions where expires_at < now()');
    await db.query(
      'insert into helpdesk_sessions (id_hash, realm, sealed, expires_at, created_at) values ($1, $2, $3, $4, $5)',
      [hashOf(id), realm, this.seal(hashOf(id), facts), new Date(facts.expiresAt), new Date(now)],
    );
    return id;
  }

  private factsOf(caller: Caller, tokens: TokenSet, createdAt: number, now: number): SessionFacts {
    return {
      caller,
      refreshToken: tokens.refreshToken,
      ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
      accessExpiresAt: tokens.accessExpiresAt,
      expiresAt: Math.min(tokens.refreshExpiresAt, createdAt + MAX_SESSION_MS, now + MAX_SESSION_MS),
      createdAt,
    };
  }

  private seal(idHash: string, facts: SessionFacts) {
    return sealFacts(this.options.sealer, idHash, facts);
  }

  /** the live session for a cookie value, refreshed at Keycloak when due; undefined when there is none */
  async resolve(sessionId: string | undefined, now = Date.now()): Promise<StaffSession | undefined> {
    if (!sessionId || sessionId.length > 100) return undefined;
    const { db, realm, sealer } = this.options;
    const idHash = hashOf(sessionId);
    const [row] = await db.query<SessionRow>('select sealed from helpdesk_sessions where id_hash = $1 and realm = $2', [
      idHash,
      realm,
    ]);
    const facts = row ? openFacts(sealer, idHash, row.sealed) : undefined;
    if (!facts || facts.expiresAt <= now) {
      // A row that does not open (forged, edited, or sealed under another key) is removed like an expired one.
      if (row) await this.destroy(sessionId);
      return undefined;
    }
    const current = facts.accessExpiresAt - REFRESH_MARGIN_MS <= now ? await this.refreshed(idHash, facts, now) : facts;
    if (!current) {
      await this.destroy(sessionId);
      return undefined;
    }
    return {
      caller: current.caller,
      csrf: this.csrfFor(sessionId),
      ...(current.idToken ? { idToken: current.idToken } : {}),
    };
  }

  /** new tokens from Keycloak, sealed back into the row; undefined when Keycloak refuses */
  private async refreshed(idHash: string, facts: SessionFacts, now: number): Promise<SessionFacts | undefined> {
    const refreshed = await this.refresh(facts);
    if (!refreshed) return undefined;
    const next = this.factsOf(refreshed.caller, refreshed.tokens, facts.createdAt, now);
    if (!next.idToken && facts.idToken) next.idToken = facts.idToken;
    await this.options.db.query('update helpdesk_sessions set sealed = $2, expires_at = $3 where id_hash = $1', [
      idHash,
      this.seal(idHash, next),
      new Date(next.expiresAt),
    ]);
    return next;
  }

  private async refresh(facts: SessionFacts) {
    try {
      const tokens = await refreshTokens(this.options.login, facts.refreshToken);
      const caller = await this.verify(tokens);
      return caller && caller.userId === facts.caller.userId ? { tokens, caller } : undefined;
    } catch (error) {
      if (error instanceof TokenRequestFailed) return undefined;
      throw error;
    }
  }

  /** the ID token of a session (for logout), read before it is destroyed */
  async idTokenOf(sessionId: string): Promise<string | undefined> {
    const idHash = hashOf(sessionId);
    const [row] = await this.options.db.query<SessionRow>('select sealed from helpdesk_sessions where id_hash = $1', [
      idHash,
    ]);
    return row ? openFacts(this.options.sealer, idHash, row.sealed)?.idToken : undefined;
  }

  async destroy(sessionId: string): Promise<void> {
    await this.options.db.query('delete from helpdesk_sessions where id_hash = $1', [hashOf(sessionId)]);
  }
}
