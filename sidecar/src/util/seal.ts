/**
 * Authenticated encryption (AES-256-GCM) for values the sidecar keeps on others' behalf — a staff
 * member's session facts in the store, the PKCE verifier in the login cookie — so a copy of the database
 * or a cookie jar alone yields nothing usable. The key is derived (HKDF) from a secret all replicas share.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export class Sealer {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'otp-sidecar', purpose, 32));
  }

  /** `bound` (additional data, e.g. a row id) must be given again to open: a sealed value moved elsewhere opens to nothing */
  seal(plain: string, bound?: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    if (bound !== undefined) cipher.setAAD(Buffer.from(bound, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** the plain text, or undefined when the value was not sealed with this key or was altered */
  open(sealed: string, bound?: string): string | undefined {
    try {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < 29) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      if (bound !== undefined) decipher.setAAD(Buffer.from(bound, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  /** a keyed digest (HMAC-SHA256) of a value, e.g. a CSRF token bound to a session */
  mac(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }
}

/** constant-time comparison of two strings */
export const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};
