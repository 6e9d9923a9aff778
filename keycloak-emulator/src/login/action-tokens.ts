/**
 * Action tokens: the signed, expiring keys in email links (execute-actions, reset-credentials,
 * verify-email). Following a link proves control of the account's email. As in Keycloak, a token is
 * used up only when the login it started has finished all its actions (LoginActionsService marks it
 * through the auth session's INVALIDATE_ACTION_TOKEN note), not when the link is opened.
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
  /** the authentication session (tab) the link continues: the reset's, or the one a proceed link made */
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

/**
 * The same token bound to an authentication session (same id and expiry, so using either uses both):
 * the "» Click here to proceed" link of ExecuteActionsActionTokenHandler.
 */
export const bindActionToken = (realm: RealmModel, claims: ActionTokenClaims, asid: string): string => {
  const keys = realmKeys(realm);
  return jwt.sign({ ...claims, asid }, keys.hmacSecret, { algorithm: 'HS512', keyid: keys.hmacKid });
};

export type ActionTokenCheck =
  | { ok: true; claims: ActionTokenClaims }
  | { ok: false; reason: 'invalid' | 'expired' }
  | { ok: false; reason: 'used'; claims: ActionTokenClaims };

/** Verifies a token of this realm: signature, expiry, and that no finished login has used it up. */
export const verifyActionToken = (realm: RealmModel, token: string): ActionTokenCheck => {
  let claims: ActionTokenClaims;
  try {
    claims = jwt.verify(token, realmKeys(realm).hmacSecret, { algorithms: ['HS512'] }) as ActionTokenClaims;
  } catch (error) {
    return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
  if (!claims.jti || !claims.typ || !claims.sub) return { ok: false, reason: 'invalid' };
  const now = Date.now();
  for (const [jti, expires] of realm.usedActionTokens) if (expires < now) realm.usedActionTokens.delete(jti);
  if (realm.usedActionTokens.has(claims.jti)) return { ok: false, reason: 'used', claims };
  return { ok: true, claims };
};

/** Uses a token up (kept until it would have expired anyway). */
export const markActionTokenUsed = (realm: RealmModel, jti: string, exp: number): void => {
  realm.usedActionTokens.set(jti, exp * 1000);
};

/**
 * How long a token a user asked for lives: the realm attribute `actionTokenGeneratedByUserLifespan.<type>`
 * when set, else the realm-wide `actionTokenGeneratedByUserLifespan` (RealmModel#getActionTokenGeneratedByUserLifespan(String)).
 */
export const userActionTokenLifespan = (realm: RealmModel, type: ActionTokenType): number => {
  const attributes = (realm.settings.attributes ?? {}) as Record<string, unknown>;
  const perType = Number(attributes[`actionTokenGeneratedByUserLifespan.${type}`]);
  if (Number.isFinite(perType) && perType > 0) return perType;
  return Number(realm.settings.actionTokenGeneratedByUserLifespan ?? 300);
};
