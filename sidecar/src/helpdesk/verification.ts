/**
 * Identity verification before a reset or a device removal: the sidecar emails a one-time 6-digit code to the
 * account's verified address; the caller reads it back to staff, who send it with the write. Codes live 10
 * minutes, allow 5 tries, are single use and are stored hashed (records.ts). Whoever calls the helpdesk
 * without the mailbox cannot pass (attack 5 of issue 19).
 */
import { randomInt } from 'node:crypto';
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { ApiError } from '../http/errors.js';
import { enqueueEmail } from '../mail/outbox.js';
import type { SqlDatabase } from '../store/database.js';
import { escapeHtml } from '../util/html.js';
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

const codeEmail = (realm: string, id: number, user: UserRepresentation, code: string, realmName: string) => {
  const lines = [
    `Hello ${user.username},`,
    '',
    `The ${realmName} helpdesk was asked to change how you sign in. If you are talking to the helpdesk now, read them this code:`,
    '',
    `    ${code}`,
    '',
    `It is valid for ${CODE_MINUTES} minutes. If you did not contact the helpdesk, do not give this code to anyone: whoever asks for it is not you.`,
  ];
  return {
    dedupeKey: `helpdesk-verification:${realm}:${id}`,
    kind: 'helpdesk-verification',
    recipient: user.email as string,
    subject: `Your ${realmName} helpdesk verification code`,
    text: `${lines.join('\n')}\n`,
    html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join(''),
  };
};

/** Sends a new code to the user's verified email; returns the verification's id (never the code). */
export const sendVerificationCode = async (
  db: SqlDatabase,
  realm: string,
  user: UserRepresentation,
  staffId: string,
  realmName: string,
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
    await enqueueEmail(tx, codeEmail(realm, created, user, code, realmName));
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
