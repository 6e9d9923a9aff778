/** Codes as an authenticator app computes them, and codes an account has not spent yet (Keycloak takes each once). */
import { createGuardrails, generate } from 'otplib';

/** What an authenticator app keeps of a device; Keycloak's defaults where left out (SHA-1, 6 digits, 30 s). */
export interface TotpEntry {
  secret: string;
  algorithm?: 'sha1' | 'sha256' | 'sha512';
  digits?: 6 | 8;
  period?: number;
}

// Keycloak takes shorter secrets than otplib's 16-byte minimum (the demo's JBSWY3DPEHPK3PXP is 10 bytes).
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 1 });

/** The code an authenticator app shows now (or at `epoch` seconds). */
export const codeFor = (entry: TotpEntry, epoch?: number) =>
  generate({
    secret: entry.secret,
    algorithm: entry.algorithm ?? 'sha1',
    digits: entry.digits ?? 6,
    period: entry.period ?? 30,
    ...(epoch === undefined ? {} : { epoch }),
    guardrails,
  });

/** the 30-second steps whose code each account already used: Keycloak takes a code only once */
const usedSteps = new Map<string, Set<number>>();

/** A code the account has not used yet: this step's, else the next one's (in Keycloak's look-around window), else wait. */
export const freshCode = async (username: string, secret: string): Promise<string> => {
  const used = usedSteps.get(`${username}:${secret}`) ?? new Set<number>();
  usedSteps.set(`${username}:${secret}`, used);
  for (;;) {
    const step = Math.floor(Date.now() / 30_000);
    const free = [step, step + 1].find((s) => !used.has(s));
    if (free !== undefined) {
      used.add(free);
      return codeFor({ secret }, free * 30);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
};
