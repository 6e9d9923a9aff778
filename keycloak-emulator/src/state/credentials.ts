/**
 * Credential storage as Keycloak formats it. Passwords are kept as salted hashes (a fast SHA-256 rather
 * than Keycloak's PBKDF2, so bulk imports of 100k users stay quick; see FIDELITY.md); OTP secrets are
 * kept as Keycloak keeps them, because the login pages need them to check codes.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { CredentialModel } from './model.js';

export interface OtpCredentialData {
  subType: 'totp' | 'hotp';
  digits: number;
  counter: number;
  period: number;
  algorithm: string;
  secretEncoding?: string;
}

const hashPassword = (password: string, salt: Buffer) =>
  createHash('sha256').update(salt).update(password, 'utf8').digest('base64');

export const newPasswordCredential = (password: string, createdDate = Date.now()): CredentialModel => {
  const salt = randomBytes(16);
  return {
    id: randomUUID(),
    type: 'password',
    createdDate,
    credentialData: JSON.stringify({ hashIterations: 1, algorithm: 'sha256', additionalParameters: {} }),
    secretData: JSON.stringify({
      value: hashPassword(password, salt),
      salt: salt.toString('base64'),
      additionalParameters: {},
    }),
    priority: 10,
  };
};

export const passwordMatches = (credential: CredentialModel, password: string): boolean => {
  const secret = JSON.parse(credential.secretData) as { value?: string; salt?: string };
  if (!secret.value || !secret.salt) return false;
  const expected = Buffer.from(secret.value, 'base64');
  const actual = Buffer.from(hashPassword(password, Buffer.from(secret.salt, 'base64')), 'base64');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
};

/** Keycloak writes OTP credential data with this key order. */
export const formatOtpCredentialData = (data: OtpCredentialData): string =>
  JSON.stringify({
    subType: data.subType,
    digits: data.digits,
    counter: data.counter,
    period: data.period,
    algorithm: data.algorithm,
    ...(data.secretEncoding ? { secretEncoding: data.secretEncoding } : {}),
  });

export const newOtpCredential = (
  secret: string,
  data: OtpCredentialData,
  userLabel: string | undefined,
  createdDate = Date.now(),
): CredentialModel => ({
  id: randomUUID(),
  type: 'otp',
  ...(userLabel ? { userLabel } : {}),
  createdDate,
  credentialData: formatOtpCredentialData(data),
  secretData: JSON.stringify({ value: secret }),
  priority: 20,
});

export const parseOtpCredentialData = (credential: CredentialModel): OtpCredentialData =>
  JSON.parse(credential.credentialData) as OtpCredentialData;

/** The HMAC key of an OTP credential: base32-decoded when so encoded, else the UTF-8 bytes (Keycloak's own). */
export const otpKey = (credential: CredentialModel): Buffer => {
  const { value } = JSON.parse(credential.secretData) as { value: string };
  const data = parseOtpCredentialData(credential);
  return data.secretEncoding?.toUpperCase() === 'BASE32' ? base32Decode(value) : Buffer.from(value, 'utf8');
};

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export const base32Encode = (bytes: Buffer): string => {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
};

export const base32Decode = (text: string): Buffer => {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) throw new Error('invalid base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
};
