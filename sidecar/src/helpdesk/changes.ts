/**
 * What each helpdesk write does in Keycloak, once guard.ts allowed it. A reset, and the removal of the last
 * device, mark the account link-only before any device goes (enrolment.ts), end every session and send the
 * setup link to the verified email: no moment leaves a password-only enrolment open (issue 19, attack 5).
 * The link is the recovery service's (`RecoveryService.sendSetupLink`): the device it makes is bound to a
 * request and kept only once proven (a sign-in with the password and the new device at /recovery/complete),
 * so the mailbox and one fooled helpdesk member do not replace the second factor.
 */
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { ApiError, notFound } from '../http/errors.js';
import type { KeycloakUsers } from '../keycloak/users.js';
import { markLinkOnly } from './enrolment.js';

export type WriteKind = 'remove-device' | 'reset-otp' | 'send-setup-email';

/** One write as asked: kept with a pending approval until a second admin approves it. */
export interface Operation {
  kind: WriteKind;
  credentialId?: string;
}

/** What a write did, for its audit entry and the owner's notice. */
export interface Outcome {
  credentialId?: string;
  label?: string;
  details?: Record<string, unknown>;
}

/**
 * Sends the setup link to the user's verified email, bound to a recovery request: answers how its device
 * will be proven (`sign-in` at /recovery/complete, or the `link` itself at email-only).
 */
export type SetupLink = (userId: string) => Promise<'sign-in' | 'link'>;

/** Removes the devices; when none stays: link-only first, then sessions end and the link goes out. */
const removeDevices = async (
  users: KeycloakUsers,
  setup: SetupLink,
  user: UserRepresentation,
  ids: string[],
  none: boolean,
): Promise<Record<string, unknown>> => {
  const id = user.id as string;
  if (none) await markLinkOnly(users, id);
  for (const credentialId of ids) await users.deleteCredential(id, credentialId);
  if (!none) return {};
  // Whoever holds the lost phone or a session is signed out; the new device comes through the link alone.
  await users.logoutEverywhere(id);
  if (!user.email || user.emailVerified !== true) return { enrolment: 'link-only', setupEmailSent: false };
  return { enrolment: 'link-only', setupEmailSent: true, setupLinkProof: await setup(id) };
};

const resetOtp = (users: KeycloakUsers, setup: SetupLink) => async (user: UserRepresentation) => {
  const devices = await users.otpCredentials(user.id as string);
  const link = await removeDevices(
    users,
    setup,
    user,
    devices.map((d) => d.id as string),
    true,
  );
  return {
    details: {
      removedCredentialIds: devices.map((d) => d.id),
      removedLabels: devices.map((d) => d.userLabel ?? null),
      ...link,
    },
  };
};

const removeDevice =
  (users: KeycloakUsers, setup: SetupLink, credentialId: string | undefined) => async (user: UserRepresentation) => {
    const devices = await users.otpCredentials(user.id as string);
    const device = devices.find((c) => c.id === credentialId);
    if (!device?.id) throw notFound('This user has no such OTP device');
    const last = devices.length === 1;
    const link = await removeDevices(users, setup, user, [device.id], last);
    return {
      credentialId: device.id,
      ...(device.userLabel ? { label: device.userLabel } : {}),
      details: { removedCredentialIds: [device.id], ...link },
    };
  };

export const changeOf = (
  users: KeycloakUsers,
  setup: SetupLink,
  op: Operation,
): ((user: UserRepresentation) => Promise<Outcome>) => {
  if (op.kind === 'reset-otp') return resetOtp(users, setup);
  if (op.kind === 'remove-device') return removeDevice(users, setup, op.credentialId);
  return async (user) => {
    if (!user.email) throw new ApiError(409, 'no_email', 'The user has no email address');
    return { details: { setupLinkProof: await setup(user.id as string) } };
  };
};
