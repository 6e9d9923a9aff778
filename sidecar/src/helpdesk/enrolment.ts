/**
 * Enrolment after a helpdesk reset goes only through a channel bound to the account (issue 19, attack 5):
 * the user is marked `otp-enrolment=link-only` (the realm's browser flow then denies a password-only
 * sign-in, and enforcement never adds CONFIGURE_TOTP), and a setup link goes to the verified email. The mark
 * is removed once a new device appears (the device came through the link: password-only sign-in is denied).
 */
import type { DeviceChange } from '../devices/records.js';
import { CONFIGURE_TOTP, ENROLMENT_ATTRIBUTE, isLinkOnly, LINK_ONLY } from '../enforcement/policy.js';
import { ApiError } from '../http/errors.js';
import type { KeycloakUsers } from '../keycloak/users.js';

/**
 * Marks the user link-only and drops a standing CONFIGURE_TOTP; refuses (changing nothing else) when Keycloak
 * did not keep the attribute — a user profile that drops unmanaged attributes would leave a password-only
 * enrolment open.
 */
export const markLinkOnly = async (users: KeycloakUsers, userId: string): Promise<void> => {
  const after = await users.setAttribute(userId, ENROLMENT_ATTRIBUTE, [LINK_ONLY], (actions) =>
    actions.filter((a) => a !== CONFIGURE_TOTP),
  );
  if (!isLinkOnly(after))
    throw new ApiError(
      409,
      'link_only_unavailable',
      `Keycloak did not keep the user attribute ${ENROLMENT_ATTRIBUTE}; declare it in the realm's user profile`,
    );
};

/**
 * The device mirror's subscriber: a new device ends the link-only state of its owner — if the owner still
 * has a device (a link's device removed before the mirror saw it must not lift the mark).
 */
export const clearLinkOnlyOnNewDevices =
  (users: KeycloakUsers) =>
  async (changes: DeviceChange[]): Promise<void> => {
    const owners = new Set(changes.filter((c) => c.kind === 'added').map((c) => c.owner.userId));
    for (const id of owners) {
      const user = await users.getIfExists(id);
      if (isLinkOnly(user) && (await users.otpCredentials(id)).length > 0)
        await users.setAttribute(id, ENROLMENT_ATTRIBUTE, undefined);
    }
  };
