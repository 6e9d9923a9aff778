/** Test users and OTP devices, created through the admin client the same way in every suite. */
import type KcAdminClient from '@keycloak/keycloak-admin-client';

export const SECRET_A = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
export const SECRET_B = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

/** An OTP credential as a realm import or user creation carries it (a base32 secret, default policy). */
export const otpCredential = (label: string, secret: string, createdDate?: number) => ({
  type: 'otp',
  userLabel: label,
  ...(createdDate ? { createdDate } : {}),
  secretData: JSON.stringify({ value: secret }),
  credentialData: JSON.stringify({
    subType: 'totp',
    digits: 6,
    counter: 0,
    period: 30,
    algorithm: 'HmacSHA1',
    secretEncoding: 'BASE32',
  }),
});

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
