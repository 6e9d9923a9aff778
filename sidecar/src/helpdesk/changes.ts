/**
 * What each helpdesk write does in Keycloak, once guard.ts allowed it. A reset, and the removal of the last
 * device, mark the account link-only before any device goes (enrolment.ts), end every session and send the
 * setup link to the verified email: no moment leaves a password-only enrolment open (issue 19, attack 5).
 */
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { CONFIGURE_TOTP } from '../enforcement/policy.js';
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

/** The setup link: execute-actions CONFIGURE_TOTP for the recovery client (`sidecar.yaml` recovery.clientId). */
export interface SetupEmail {
  lifespanSeconds: number;
  clientId: string;
  redirectUri?: string;
}

const sendSetupEmailTo = (users: KeycloakUsers, setup: SetupEmail, id: string) =>
  users.sendActionsEmail(id, {
    actions: [CONFIGURE_TOTP],
    lifespan: setup.lifespanSeconds,
    clientId: setup.clientId,
    ...(setup.redirectUri ? { redirectUri: setup.redirectUri } : {}),
  });

/** Removes the devices; when none stays: link-only first, then sessions end and the link goes out. */
const removeDevices = async (
  users: KeycloakUsers,
  setup: SetupEmail,
  user: UserRepresentation,
  ids: string[],
  none: boolean,
): Promise<boolean> => {
  const id = user.id as string;
  if (none) await markLinkOnly(users, id);
  for (const credentialId of ids) await users.deleteCredential(id, credentialId);
  if (!none) return false;
  // Whoever holds the lost phone or a session is signed out; the new device comes through the link alone.
  await users.logoutEverywhere(id);
  const send = Boolean(user.email) && user.emailVerified === true;
  if (send) await sendSetupEmailTo(users, setup, id);
  return send;
};

const resetOtp = (users: KeycloakUsers, setup: SetupEmail) => async (user: UserRepresentation) => {
  const devices = await users.otpCredentials(user.id as string);
  const sent = await removeDevices(
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
      enrolment: 'link-only',
      setupEmailSent: sent,
    },
  };
};

const removeDevice =
  (users: KeycloakUsers, setup: SetupEmail, credentialId: string | undefined) => async (user: UserRepresentation) => {
    const devices = await users.otpCredentials(user.id as string);
    const device = devices.find((c) => c.id === credentialId);
    if (!device?.id) throw notFound('This user has no such OTP device');
    const last = devices.length === 1;
    const sent = await removeDevices(users, setup, user, [device.id], last);
    return {
      credentialId: device.id,
      ...(device.userLabel ? { label: device.userLabel } : {}),
      details: {
        removedCredentialIds: [device.id],
        ...(last ? { enrolment: 'link-only', setupEmailSent: sent } : {}),
      },
    };
  };

export const changeOf = (
  users: KeycloakUsers,
  setup: SetupEmail,
  op: Operation,
): ((user: UserRepresentation) => Promise<Outcome>) => {
  if (op.kind === 'reset-otp') return resetOtp(users, setup);
  if (op.kind === 'remove-device') return removeDevice(users, setup, op.credentialId);
  return async (user) => {
    if (!user.email) throw new ApiError(409, 'no_email', 'The user has no email address');
    await sendSetupEmailTo(users, setup, user.id as string);
    return {};
  };
};
