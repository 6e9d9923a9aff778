/** An OTP credential as a realm import or user creation carries it, for the tests and the benchmark's seed. */

/** An OTP credential with a base32 secret and Keycloak's default OTP settings (TOTP, 6 digits, 30 s, HmacSHA1). */
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
