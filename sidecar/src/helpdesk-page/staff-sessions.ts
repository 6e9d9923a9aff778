/**
 * Helpdesk page sessions, kept in the store so every replica knows them. The browser holds only a
 * random id (HttpOnly cookie); the store holds its hash, who the staff member is, their roles as of the
 * last token, and the refresh token sealed. When the access token runs out the session refreshes it at
 * Keycloak, which re-checks the account and its roles: a disabled account or a revoked role ends the
 * session within one access-token lifetime. A session never outlives Keycloak's SSO session nor 8 hours.
 */
import { createHash, randomBytes } from 'node:crypto';
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
}

interface SessionRow {
  user_id: string;
  username: string;
  roles: string[];
  refresh_token_sealed: string;
  access_expires_at: string | Date;
  expires_at: string | Date;
  created_at: string | Date;
}

const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url');
const ms = (value: string | Date) => new Date(value).getTime();

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

  /** the caller a token set stands for, or undefined when the access token does not verify */
  verify(tokens: TokenSet): Promise<Caller | undefined> {
    return this.options.verifier.verify(tokens.accessToken);
  }

  /** stores a new session and returns its id, the cookie value */
  async create(caller: Caller, tokens: TokenSet, now = Date.now()): Promise<string> {
    const { db, realm, sealer } = this.options;
    const id = randomBytes(32).toString('base64url');
    await db.query('delete from helpdesk_sessions where expires_at < now()');
    await db.query(
      `insert into helpdesk_sessions
         (id_hash, realm, user_id, username, roles, refresh_token_sealed, access_expires_at, expires_at, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        hashOf(id),
        realm,
        caller.userId,
        caller.username,
        caller.roles,
        sealer.seal(tokens.refreshToken),
        new Date(tokens.accessExpiresAt),
        new Date(Math.min(tokens.refreshExpiresAt, now + MAX_SESSION_MS)),
        new Date(now),
      ],
    );
    return id;
  }

  /** the live session for a cookie value, refreshed at Keycloak when due; undefined when there is none */
  async resolve(sessionId: string | undefined, now = Date.now()): Promise<StaffSession | undefined> {
    if (!sessionId || sessionId.length > 100) return undefined;
    const { db, realm, sealer } = this.options;
    const [row] = await db.query<SessionRow>('select * from helpdesk_sessions where id_hash = $1 and realm = $2', [
      hashOf(sessionId),
      realm,
    ]);
    if (!row) return undefined;
    if (ms(row.expires_at) <= now) {
      await this.destroy(sessionId);
      return undefined;
    }
    let caller: Caller = { userId: row.user_id, username: row.username, roles: row.roles };
    if (ms(row.access_expires_at) - REFRESH_MARGIN_MS <= now) {
      const refreshed = await this.refresh(row);
      if (!refreshed) {
        await this.destroy(sessionId);
        return undefined;
      }
      caller = refreshed.caller;
      await db.query(
        `update helpdesk_sessions set roles = $2, refresh_token_sealed = $3, access_expires_at = $4, expires_at = $5
          where id_hash = $1`,
        [
          hashOf(sessionId),
          caller.roles,
          sealer.seal(refreshed.tokens.refreshToken),
          new Date(refreshed.tokens.accessExpiresAt),
          new Date(Math.min(refreshed.tokens.refreshExpiresAt, ms(row.created_at) + MAX_SESSION_MS)),
        ],
      );
    }
    return { caller, csrf: this.csrfFor(sessionId) };
  }

  private async refresh(row: SessionRow) {
    const refreshToken = this.options.sealer.open(row.refresh_token_sealed);
    if (!refreshToken) return undefined;
    try {
      const tokens = await refreshTokens(this.options.login, refreshToken);
      const caller = await this.verify(tokens);
      return caller && caller.userId === row.user_id ? { tokens, caller } : undefined;
    } catch (error) {
      if (error instanceof TokenRequestFailed) return undefined;
      throw error;
    }
  }

  async destroy(sessionId: string): Promise<void> {
    await this.options.db.query('delete from helpdesk_sessions where id_hash = $1', [hashOf(sessionId)]);
  }
}
