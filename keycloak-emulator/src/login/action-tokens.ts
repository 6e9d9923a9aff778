/**
 * Action tokens: the signed, expiring, single-use keys in email links (execute-actions,
 * reset-credentials, verify-email). Following a link proves control of the account's email.
 */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { realmKeys } from '../oidc/keys.js';
import { issuerOf } from '../oidc/tokens.js';
import type { RealmModel } from '../state/model.js';

export type ActionTokenType = 'execute-actions' | 'reset-credentials' | 'verify-email';

export interface ActionTokenClaims {
  typ: ActionTokenType;
  /** user id */
  sub: string;
  /** client the user returns to */
  azp: string;
  /** required actions to run (execute-actions) */
  rda?: string[];
  /** redirect URI after the actions */
  reduri?: string;
  /** the email address the link was sent to (verify-email) */
  eml?: string;
  /** the authentication session the link continues (reset-credentials) */
  asid?: string;
  jti: string;
  exp: number;
}

export const signActionToken = (
  realm: RealmModel,
  baseUrl: string,
  claims: Omit<ActionTokenClaims, 'jti' | 'exp'>,
  lifespanSeconds: number,
): string => {
  const iat = Math.floor(Date.now() / 1000);
  const keys = realmKeys(realm);
  const payload = {
    ...claims,
    jti: randomUUID(),
    iat,
    exp: iat + lifespanSeconds,
    iss: issuerOf(baseUrl, realm),
    aud: issuerOf(baseUrl, realm),
  };
  return jwt.sign(payload, keys.hmacSecret, { algorithm: 'HS512', keyid: keys.hmacKid });
};

export type ActionTokenCheck =
  | { ok: true; claims: ActionTokenClaims }
  | { ok: false; reason: 'invalid' | 'expired' | 'used' };

/** Verifies a token of this realm and marks it used (a second use fails). */
export const consumeActionToken = (realm: RealmModel, token: string): ActionTokenCheck => {
  let claims: ActionTokenClaims;
  try {
    claims = jwt.verify(token, realmKeys(realm).hmacSecret, { algorithms: ['HS512'] }) as ActionTokenClaims;
  } catch (error) {
    return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
  if (!claims.jti || !claims.typ || !claims.sub) return { ok: false, reason: 'invalid' };
  const now = Date.now();
  for (const [jti, expires] of realm.usedActionTokens) if (expires < now) realm.usedActionTokens.delete(jti);
  if (realm.usedActionTokens.has(claims.jti)) return { ok: false, reason: 'used' };
  realm.usedActionTokens.set(claims.jti, claims.exp * 1000);
  return { ok: true, claims };
};
