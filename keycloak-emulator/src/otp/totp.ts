/**
 * OTP as Keycloak does it: secrets of 20 random characters whose UTF-8 bytes are the HMAC key, shown to
 * the user in base32; codes checked with the realm's policy (algorithm, digits, period, look-around
 * window) and, unless the policy allows reuse, never accepted twice.
 */
import { randomInt } from 'node:crypto';
import { createGuardrails, verify } from 'otplib';
import { base32Encode, otpKey, parseOtpCredentialData } from '../state/credentials.js';
import type { CredentialModel, RealmModel, UserModel } from '../state/model.js';

const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const generateOtpSecret = (length = 20): string =>
  Array.from({ length }, () => SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)]).join('');

export const encodeSecretForUser = (secret: string): string => base32Encode(Buffer.from(secret, 'utf8'));

/** "ABCD EFGH ..." as the "Unable to scan?" page shows it. */
export const groupedSecret = (encoded: string): string => encoded.replace(/(.{4})/g, '$1 ').trim();

export interface OtpPolicy {
  type: string;
  algorithm: string;
  digits: number;
  period: number;
  lookAroundWindow: number;
  codeReusable: boolean;
}

export const otpPolicy = (realm: RealmModel): OtpPolicy => ({
  type: String(realm.settings.otpPolicyType ?? 'totp'),
  algorithm: String(realm.settings.otpPolicyAlgorithm ?? 'HmacSHA1'),
  digits: Number(realm.settings.otpPolicyDigits ?? 6),
  period: Number(realm.settings.otpPolicyPeriod ?? 30),
  lookAroundWindow: Number(realm.settings.otpPolicyLookAheadWindow ?? 1),
  codeReusable: realm.settings.otpPolicyCodeReusable === true,
});

/** HmacSHA1 → SHA1 (key URI) and sha1 (otplib). */
const shortAlgorithm = (algorithm: string) => algorithm.replace(/^Hmac/i, '').toUpperCase();

export const issuerOf = (realm: RealmModel) => String(realm.settings.displayName || realm.name);

export const keyUri = (realm: RealmModel, user: UserModel, encodedSecret: string): string => {
  const policy = otpPolicy(realm);
  const issuer = encodeURIComponent(issuerOf(realm));
  const params = new URLSearchParams({
    secret: encodedSecret,
    digits: String(policy.digits),
    algorithm: shortAlgorithm(policy.algorithm),
    issuer: issuerOf(realm),
    period: String(policy.period),
  });
  return `otpauth://totp/${issuer}:${encodeURIComponent(user.username)}?${params.toString().replaceAll('+', '%20')}`;
};

const guardrails = createGuardrails({ MIN_SECRET_BYTES: 1 });

const check = async (
  realm: RealmModel,
  key: Uint8Array,
  code: string,
  data: { algorithm: string; digits: number; period: number },
  reuseKey: string | undefined,
) => {
  const policy = otpPolicy(realm);
  if (!/^\d+$/.test(code) || code.length !== data.digits) return false;
  const used = realm.otpTimeSteps;
  const last = reuseKey && !policy.codeReusable ? used.get(reuseKey) : undefined;
  const result = await verify({
    secret: key,
    token: code,
    algorithm: shortAlgorithm(data.algorithm).toLowerCase() as 'sha1' | 'sha256' | 'sha512',
    digits: data.digits as 6 | 8,
    period: data.period,
    epochTolerance: policy.lookAroundWindow * data.period,
    guardrails,
    ...(last === undefined ? {} : { afterTimeStep: last }),
  }).catch(() => ({ valid: false as const }));
  if (!result.valid) return false;
  if (reuseKey && 'timeStep' in result) used.set(reuseKey, result.timeStep);
  return true;
};

/** Checks a code against one stored OTP device. */
export const checkCredentialCode = (realm: RealmModel, credential: CredentialModel, code: string) => {
  const data = parseOtpCredentialData(credential);
  return check(realm, otpKey(credential), code, data, credential.id);
};

/** Checks a code typed on the setup page against the secret being set up, with the realm's policy. */
export const checkSetupCode = (realm: RealmModel, secret: string, code: string) => {
  const policy = otpPolicy(realm);
  return check(realm, Buffer.from(secret, 'utf8'), code, policy, undefined);
};
