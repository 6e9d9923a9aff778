/**
 * Issue 19: the facts a staff session stands on are sealed to their row, and the rules a staff token
 * or session must meet — the realm's two-factor level (`acr`) and, for writes, a recent `auth_time`.
 */

import { cookieNamesOf } from '../../../sidecar/src/helpdesk-page/page.js';
import { openFacts, type SessionFacts, sealFacts } from '../../../sidecar/src/helpdesk-page/staff-sessions.js';
import { acrSatisfies, freshEnough } from '../../../sidecar/src/http/auth.js';
import { Sealer } from '../../../sidecar/src/util/seal.js';

const SECRET = 'helpdesk-session-secret-0123456789abcdef';
const sealer = new Sealer(SECRET, 'helpdesk-session');
const facts: SessionFacts = {
  caller: { userId: 'u-1', username: 'sam', roles: ['otp-helpdesk'], acr: 'mfa', authTime: 1_800_000_000, sid: 's-1' },
  refreshToken: 'refresh-token-value',
  idToken: 'id-token-value',
  accessExpiresAt: 1,
  expiresAt: 2,
  createdAt: 0,
};

describe('sealed session facts', () => {
  test('open only for the row they were sealed to, under the same key', () => {
    const sealed = sealFacts(sealer, 'row-a', facts);
    expect(sealed).not.toContain('sam');
    expect(sealed).not.toContain('refresh-token-value');
    expect(openFacts(sealer, 'row-a', sealed)).toEqual(facts);
    // Copied onto another row (e.g. the attacker's own cookie): nothing.
    expect(openFacts(sealer, 'row-b', sealed)).toBeUndefined();
    expect(openFacts(new Sealer('another-secret-entirely-0123456789abcdef', 'helpdesk-session'), 'row-a', sealed)).toBe(
      undefined,
    );
  });

  test('a blob written without the key, or edited, grants nothing', () => {
    const forged = Buffer.from(
      JSON.stringify({ ...facts, caller: { ...facts.caller, roles: ['otp-helpdesk-admin'] } }),
    );
    expect(openFacts(sealer, 'row-a', forged.toString('base64url'))).toBeUndefined();
    const sealed = Buffer.from(sealFacts(sealer, 'row-a', facts), 'base64url');
    sealed[40] = (sealed[40] ?? 0) ^ 1;
    expect(openFacts(sealer, 'row-a', sealed.toString('base64url'))).toBeUndefined();
  });
});

describe('the second factor (acr)', () => {
  const map = { pwd: 1, mfa: 2, hw: 3 };

  test('the required name passes; a password-only level, SSO reuse or no acr does not', () => {
    expect(acrSatisfies('mfa', 'mfa')).toBe(true);
    for (const acr of ['pwd', '1', '0', '', undefined]) {
      expect(acrSatisfies(acr, 'mfa')).toBe(false);
      expect(acrSatisfies(acr, 'mfa', map)).toBe(false);
    }
  });

  test('with the realm map a higher level counts, by name or as Keycloak’s bare number', () => {
    expect(acrSatisfies('hw', 'mfa', map)).toBe(true);
    expect(acrSatisfies('2', 'mfa', map)).toBe(true);
    expect(acrSatisfies('hw', 'mfa')).toBe(false);
    expect(acrSatisfies('unknown', 'mfa', map)).toBe(false);
  });
});

describe('a recent sign-in for writes (auth_time)', () => {
  const now = 1_800_000_000_000;
  test('within the allowed age passes; older or missing does not', () => {
    expect(freshEnough(now / 1000 - 599, 600, now)).toBe(true);
    expect(freshEnough(now / 1000 - 600, 600, now)).toBe(true);
    expect(freshEnough(now / 1000 - 601, 600, now)).toBe(false);
    expect(freshEnough(undefined, 600, now)).toBe(false);
  });
});

test('over https the page’s cookies are __Host- prefixed (no sibling subdomain or http page can set them)', () => {
  expect(cookieNamesOf('https://otp.example.org')).toEqual({
    session: '__Host-otp_helpdesk_session',
    login: '__Host-otp_helpdesk_login',
  });
  expect(cookieNamesOf('http://127.0.0.1:8081')).toEqual({
    session: 'otp_helpdesk_session',
    login: 'otp_helpdesk_login',
  });
  expect(cookieNamesOf(undefined).session).toBe('otp_helpdesk_session');
});
