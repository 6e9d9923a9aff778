/** Test users and OTP devices, created through the admin client the same way in every suite. */
import type KcAdminClient from '@keycloak/keycloak-admin-client';

export const SECRET_A = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
export const SECRET_B = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

export { otpCredential } from '../../devkit/src/index.js';

export const passwordOf = (username: string) => `${username}-password`;

/** An enabled user with a verified email `<username>@example.org` and the password `passwordOf(username)`. */
export const createTestUser = async (
  kc: KcAdminClient,
  realm: string,
  username: string,
  options: { credentials?: unknown[]; extra?: Record<string, unknown> } = {},
): Promise<string> =>
  (
    await kc.users.create({
      realm,
      username,
      enabled: true,
      email: `${username}@example.org`,
      emailVerified: true,
      firstName: username,
      lastName: 'Tester',
      credentials: [
        { type: 'password', value: passwordOf(username), temporary: false },
        ...(options.credentials ?? []),
      ] as never,
      ...options.extra,
    })
  ).id;
