/**
 * Identity verification before a reset or a device removal: the sidecar emails a one-time 6-digit code to the
 * account's verified address; the caller reads it back to staff, who send it with the write. Codes live 10
 * minutes, allow 5 tries, are single use and are stored hashed (records.ts). Whoever calls the helpdesk
 * without the mailbox cannot pass (attack 5 of issue 19).
 */
import { randomInt } from 'node:crypto';
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { ApiError } from '../http/errors.js';
import { localeOf } from '../keycloak/users.js';
import { composeEmail, translatorOf } from '../mail/compose.js';
import { enqueueEmail, type OutgoingEmail } from '../mail/outbox.js';
import type { SqlDatabase } from '../store/database.js';
import { type CodeCheck, checkVerification, createVerification } from './records.js';

export const CODE_MINUTES = 10;
export const CODE_TRIES = 5;

export interface VerificationProof {
  id: number;
  code: string;
}

const REFUSALS: Record<Exclude<CodeCheck, 'ok'>, string> = {
  wrong: 'The verification code is wrong',
  expired: 'The verification code has expired; send a new one',
  used: 'The verification code was used already; send a new one',
  'too-many-tries': 'Too many wrong codes; send a new one',
  unknown: 'No such verification for this user',
};

/** The code on a line of its own (the caller reads it out), in the user's language. */
export const verificationCodeEmail = (
  realm: string,
  id: number,
  user: UserRepresentation,
  code: string,
  names: { realmName: string; realmDefaultLocale?: string | undefined },
): OutgoingEmail => {
  const t = translatorOf(localeOf(user), names.realmDefaultLocale);
  const values = { realm: names.realmName, minutes: CODE_MINUTES };
  return {
    dedupeKey: `helpdesk-verification:${realm}:${id}`,
    kind: 'helpdesk-verification',
    recipient: user.email as string,
    ...composeEmail(t, {
      subject: t.t('emails.verification.subject', values),
      username: user.username ?? '',
      paragraphs: [t.t('emails.verification.asked', values), { code }, t.t('emails.verification.validity', values)],
    }),
  };
};

/** Sends a new code to the user's verified email; returns the verification's id (never the code). */
export const sendVerificationCode = async (
  db: SqlDatabase,
  realm: string,
  user: UserRepresentation,
  staffId: string,
  names: { realmName: string; realmDefaultLocale?: string | undefined },
): Promise<{ id: number; expiresInSeconds: number }> => {
  if (!user.email || user.emailVerified !== true)
    throw new ApiError(409, 'no_verified_email', 'The account has no verified email address to send a code to');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = await db.transaction(async (tx) => {
    const created = await createVerification(tx, {
      realm,
      userId: user.id as string,
      requestedBy: staffId,
      code,
      minutes: CODE_MINUTES,
    });
    await enqueueEmail(tx, verificationCodeEmail(realm, created, user, code, names));
    return created;
  });
  return { id, expiresInSeconds: CODE_MINUTES * 60 };
};

/** Spends the proof; throws a 403 refusal unless it is this user's live, unused, right code. */
export const requireVerified = async (
  db: SqlDatabase,
  realm: string,
  userId: string,
  proof: VerificationProof | undefined,
): Promise<void> => {
  if (!proof)
    throw new ApiError(403, 'verification_required', 'Verify the caller first: send a code and enter what they read');
  const result = await checkVerification(db, { realm, userId, id: proof.id, code: proof.code, maxTries: CODE_TRIES });
  if (result !== 'ok') throw new ApiError(403, `verification_${result.replaceAll('-', '_')}`, REFUSALS[result]);
};
