/**
 * Realm signing keys. Keycloak gives each realm its own RSA key (RS256) and HMAC key (refresh tokens);
 * the emulator makes them on first use, so starting the emulator and creating realms stays fast.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { RealmModel, SigningKey } from '../state/model.js';

export const realmKeys = (realm: RealmModel): SigningKey => {
  if (!realm.keys) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    // Keycloak's kid is a hash of the key, base64url.
    const kid = createHash('sha256').update(spki).digest('base64url').slice(0, 43);
    realm.keys = { kid, privateKey, publicKey, hmacSecret: randomBytes(64), hmacKid: randomUUID() };
  }
  return realm.keys;
};

export const jwks = (realm: RealmModel) => {
  const key = realmKeys(realm);
  const jwk = key.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { keys: [{ kid: key.kid, kty: 'RSA', alg: 'RS256', use: 'sig', n: jwk.n, e: jwk.e }] };
};
