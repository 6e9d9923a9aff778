/**
 * Issue 19: the staff guard in front of the API — the role, then the second factor (403
 * `second_factor_required`), then for writes a recent sign-in (401 `reauthentication_required`, which sends
 * the page through Keycloak's login again with `max_age`). The verifier is a stand-in: tokens are its job.
 */
import type { Request, Response } from 'express';
import { type Caller, requireRole, type TokenVerifier } from '../../../sidecar/src/http/auth.js';
import type { ApiError } from '../../../sidecar/src/http/errors.js';

const now = () => Math.floor(Date.now() / 1000);
const staff = (extra: Partial<Caller>): Caller => ({
  userId: 'u-1',
  username: 'sam',
  roles: ['otp-helpdesk'],
  ...extra,
});

/** What the guard answers for a caller and a method: the error it passes on, or 'ok'. */
const guard = async (caller: Caller, method = 'GET', loaMap?: Record<string, number>) => {
  const verifier = { verify: async () => caller } as unknown as TokenVerifier;
  const handler = requireRole(verifier, 'otp-helpdesk', {
    acr: 'mfa',
    maxAuthAgeSeconds: 600,
    ...(loaMap ? { loaMap: async () => loaMap } : {}),
  });
  const req = { method, headers: {}, get: (name: string) => (name === 'authorization' ? 'Bearer t' : undefined) };
  const res = { locals: {} as Record<string, unknown>, set: () => res };
  let passed: ApiError | undefined | 'ok';
  await handler(req as unknown as Request, res as unknown as Response, (error?: unknown) => {
    passed = (error as ApiError | undefined) ?? 'ok';
  });
  return passed === 'ok' ? 'ok' : { status: passed?.status, error: passed?.code };
};

test('a password-only token (acr 1, pwd, none) is refused with second_factor_required, reads included', async () => {
  for (const acr of ['1', '0', 'pwd', undefined])
    expect(await guard(staff({ ...(acr ? { acr } : {}), authTime: now() }))).toEqual({
      status: 403,
      error: 'second_factor_required',
    });
  expect(await guard(staff({ acr: 'pwd', authTime: now() }), 'GET', { pwd: 1, mfa: 2 })).toMatchObject({ status: 403 });
});

test('a two-factor token reads; it writes only while its sign-in is recent', async () => {
  expect(await guard(staff({ acr: 'mfa', authTime: now() - 3_600 }))).toBe('ok');
  expect(await guard(staff({ acr: 'mfa', authTime: now() - 60 }), 'POST')).toBe('ok');
  expect(await guard(staff({ acr: 'mfa', authTime: now() - 601 }), 'POST')).toEqual({
    status: 401,
    error: 'reauthentication_required',
  });
  expect(await guard(staff({ acr: 'mfa' }), 'POST')).toMatchObject({ error: 'reauthentication_required' });
});

test('a higher level of the realm’s map counts; the role is checked first', async () => {
  expect(await guard(staff({ acr: 'hw', authTime: now() }), 'POST', { pwd: 1, mfa: 2, hw: 3 })).toBe('ok');
  expect(await guard(staff({ acr: 'mfa', authTime: now(), roles: [] }))).toEqual({ status: 403, error: 'forbidden' });
});
