/** Sealed values and the pending-login cookie of the helpdesk page, without servers. */
import { createHash } from 'node:crypto';
import {
  authorizationUrl,
  LOGIN_LIFETIME_MS,
  logoutUrl,
  newPendingLogin,
  openPendingLogin,
  sealPendingLogin,
} from '../../../sidecar/src/helpdesk-page/staff-login.js';
import { Sealer, sameSecret } from '../../../sidecar/src/util/seal.js';

const sealer = new Sealer('a shared secret of the replicas, long enough', 'test');

test('a sealed value opens only with the same key and purpose, and not once altered', () => {
  const sealed = sealer.seal('refresh-token-value');
  expect(sealed).not.toContain('refresh-token-value');
  expect(sealer.open(sealed)).toBe('refresh-token-value');
  expect(new Sealer('a shared secret of the replicas, long enough', 'other').open(sealed)).toBeUndefined();
  expect(new Sealer('another secret entirely, also long', 'test').open(sealed)).toBeUndefined();
  const flipped = Buffer.from(sealed, 'base64url');
  flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
  expect(sealer.open(flipped.toString('base64url'))).toBeUndefined();
  expect(sealer.open('')).toBeUndefined();
  expect(sealer.open('not base64 at all!')).toBeUndefined();
  expect(sealer.seal('same')).not.toBe(sealer.seal('same'));
});

test('secrets compare in constant time and only when equal', () => {
  expect(sameSecret('abc', 'abc')).toBe(true);
  expect(sameSecret('abc', 'abd')).toBe(false);
  expect(sameSecret('abc', 'abcd')).toBe(false);
});

test('a pending login carries a fresh state and verifier, and expires', () => {
  const now = Date.UTC(2026, 10, 25);
  const login = newPendingLogin('/helpdesk', now);
  expect(login.state).not.toBe(newPendingLogin('/helpdesk', now).state);
  const cookie = sealPendingLogin(sealer, login);
  expect(cookie).not.toContain(login.verifier);
  expect(openPendingLogin(sealer, cookie, now + 1000)).toEqual(login);
  expect(openPendingLogin(sealer, cookie, now + LOGIN_LIFETIME_MS)).toBeUndefined();
  expect(openPendingLogin(sealer, undefined, now)).toBeUndefined();
});

test('the authorization URL asks for a code with an S256 challenge, the two-factor level and a recent sign-in', () => {
  const login = newPendingLogin('/helpdesk');
  const url = new URL(
    authorizationUrl(
      {
        publicRealmUrl: 'https://sso.example.org/realms/r',
        realmUrl: 'http://kc:8080/realms/r',
        clientId: 'otp-helpdesk',
        acr: 'mfa',
        maxAuthAgeSeconds: 600,
      },
      login,
      'https://sidecar.example.org/helpdesk/callback',
    ),
  );
  expect(url.origin + url.pathname).toBe('https://sso.example.org/realms/r/protocol/openid-connect/auth');
  expect(Object.fromEntries(url.searchParams)).toEqual({
    client_id: 'otp-helpdesk',
    redirect_uri: 'https://sidecar.example.org/helpdesk/callback',
    response_type: 'code',
    scope: 'openid',
    state: login.state,
    code_challenge: createHash('sha256').update(login.verifier).digest('base64url'),
    code_challenge_method: 'S256',
    acr_values: 'mfa',
    max_age: '600',
  });
});

test('sign-out is an RP-initiated logout that hints the ID token, so Keycloak ends its session too', () => {
  const options = {
    publicRealmUrl: 'https://sso.example.org/realms/r',
    realmUrl: 'http://kc:8080/realms/r',
    clientId: 'otp-helpdesk',
    acr: 'mfa',
    maxAuthAgeSeconds: 600,
  };
  const url = new URL(logoutUrl(options, 'https://sidecar.example.org/helpdesk/signed-out', 'id.token.value'));
  expect(url.pathname).toBe('/realms/r/protocol/openid-connect/logout');
  expect(Object.fromEntries(url.searchParams)).toEqual({
    client_id: 'otp-helpdesk',
    post_logout_redirect_uri: 'https://sidecar.example.org/helpdesk/signed-out',
    id_token_hint: 'id.token.value',
  });
});
