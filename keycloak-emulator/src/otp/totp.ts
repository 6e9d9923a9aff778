/**
 * OTP as Keycloak does it: secrets of 20 random characters whose UTF-8 bytes are the HMAC key, shown to
 * the user in base32; codes checked with the realm's policy (algorithm, digits, look-around window).
 * TOTP codes are checked against the current period and `lookAroundWindow` periods either side, and,
 * unless the policy allows reuse, the exact code of a credential is refused a second time for
 * period × (2·lookAround + 1) seconds (OTPCredentialProvider); HOTP codes are checked against the stored
 * counter and the `lookAroundWindow` counters after it, and the counter moves past the one that matched
 * (HmacOTP.validateHOTP).
 */
import { createHmac, randomInt } from 'node:crypto';
import { base32Encode, formatOtpCredentialData, otpKey, parseOtpCredentialData } from '../state/credentials.js';
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
  initialCounter: number;
  lookAroundWindow: number;
  codeReusable: boolean;
}

export const otpPolicy = (realm: RealmModel): OtpPolicy => ({
  type: String(realm.settings.otpPolicyType ?? 'totp'),
  algorithm: String(realm.settings.otpPolicyAlgorithm ?? 'HmacSHA1'),
  digits: Number(realm.settings.otpPolicyDigits ?? 6),
  period: Number(realm.settings.otpPolicyPeriod ?? 30),
  initialCounter: Number(realm.settings.otpPolicyInitialCounter ?? 0),
  lookAroundWindow: Number(realm.settings.otpPolicyLookAheadWindow ?? 1),
  codeReusable: realm.settings.otpPolicyCodeReusable === true,
});

/** HmacSHA1 → SHA1 (key URI). */
const shortAlgorithm = (algorithm: string) => algorithm.replace(/^Hmac/i, '').toUpperCase();

export const issuerOf = (realm: RealmModel) => String(realm.settings.displayName || realm.name);

/** Java's URLEncoder (form encoding): like encodeURIComponent, but space → "+" and only `*-._` left bare. */
const formEncode = (text: string) =>
  encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');

/**
 * The key URI of OTPPolicy.getKeyURI: the issuer with ":" replaced by a space and form-encoded with spaces
 * as %20 (in the label and the `issuer` parameter), the account name form-encoded (space → "+"), then
 * `counter` for HOTP policies or `period` for TOTP ones.
 */
export const keyUri = (realm: RealmModel, user: UserModel, encodedSecret: string): string => {
  const policy = otpPolicy(realm);
  const issuer = formEncode(issuerOf(realm).replaceAll(':', ' ')).replaceAll('+', '%20');
  const last = policy.type === 'hotp' ? `counter=${policy.initialCounter}` : `period=${policy.period}`;
  const parameters = `secret=${encodedSecret}&digits=${policy.digits}&algorithm=${shortAlgorithm(policy.algorithm)}&issuer=${issuer}&${last}`;
  return `otpauth://${policy.type}/${issuer}:${formEncode(user.username)}?${parameters}`;
};

/** RFC 4226: the code of one counter value. */
const hmacCode = (key: Uint8Array, counter: number, digits: number, algorithm: string) => {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hash = createHmac(shortAlgorithm(algorithm).toLowerCase(), key).update(message).digest();
  const offset = (hash[hash.length - 1] as number) & 0x0f;
  const binary = hash.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
};

interface CodeCheck {
  key: Uint8Array;
  code: string;
  digits: number;
  algorithm: string;
  lookAround: number;
}

/** The TOTP time step the code belongs to, within the look-around window of now; undefined if none. */
const totpMatches = (c: CodeCheck, period: number, now = Date.now()) => {
  const current = Math.floor(now / 1000 / period);
  for (let step = current - c.lookAround; step <= current + c.lookAround; step++) {
    if (step >= 0 && hmacCode(c.key, step, c.digits, c.algorithm) === c.code) return true;
  }
  return false;
};

/** The next counter after the HOTP counter the code matched (counter … counter + lookAround); -1 if none. */
const hotpNextCounter = (c: CodeCheck, counter: number) => {
  for (let value = counter; value <= counter + c.lookAround; value++) {
    if (hmacCode(c.key, value, c.digits, c.algorithm) === c.code) return value + 1;
  }
  return -1;
};

const wellFormed = (code: string, digits: number) => /^\d+$/.test(code) && code.length === digits;

/** Whether this exact code of the credential was accepted within its reuse window (and records it if not). */
const claimCode = (
  realm: RealmModel,
  credentialId: string,
  code: string,
  lifespanSeconds: number,
  now = Date.now(),
) => {
  for (const [key, until] of realm.usedOtpCodes) if (until <= now) realm.usedOtpCodes.delete(key);
  const key = `${credentialId}.${code}`;
  if (realm.usedOtpCodes.has(key)) return false;
  realm.usedOtpCodes.set(key, now + lifespanSeconds * 1000);
  return true;
};

/**
 * Checks a code against one stored OTP device, as signing in does: an HOTP device's counter advances,
 * a TOTP code is used up unless the realm's policy allows reuse.
 */
export const checkCredentialCode = (realm: RealmModel, credential: CredentialModel, code: string): boolean => {
  const data = parseOtpCredentialData(credential);
  const policy = otpPolicy(realm);
  if (!wellFormed(code, data.digits)) return false;
  const check: CodeCheck = {
    key: otpKey(credential),
    code,
    digits: data.digits,
    algorithm: data.algorithm,
    lookAround: policy.lookAroundWindow,
  };
  if (data.subType === 'hotp') {
    const next = hotpNextCounter(check, data.counter);
    if (next < 0) return false;
    credential.credentialData = formatOtpCredentialData({ ...data, counter: next });
    return true;
  }
  if (!totpMatches(check, data.period)) return false;
  if (policy.codeReusable) return true;
  return claimCode(realm, credential.id, code, data.period * (2 * policy.lookAroundWindow + 1));
};

/**
 * Checks a code typed on the setup page against the secret being set up, with the realm's policy
 * (CredentialValidation.validOTP: nothing is used up here; the new device then checks the code again).
 */
export const checkSetupCode = (realm: RealmModel, secret: string, code: string): boolean => {
  const policy = otpPolicy(realm);
  if (!wellFormed(code, policy.digits)) return false;
  const check: CodeCheck = {
    key: Buffer.from(secret, 'utf8'),
    code,
    digits: policy.digits,
    algorithm: policy.algorithm,
    lookAround: policy.lookAroundWindow,
  };
  return policy.type === 'hotp'
    ? hotpNextCounter(check, policy.initialCounter) >= 0
    : totpMatches(check, policy.period);
};
