/**
 * Keycloak's access authenticators and the user-attribute condition, as Keycloak 26 runs them
 * (ConditionalUserAttributeValue, DenyAccessAuthenticator, AllowAccessAuthenticator).
 */
import { recordLoginFailure } from './brute-force.js';
import type { Outcome } from './context.js';
import type { AuthenticatorRegistry } from './flow-engine.js';

const SUCCESS: Outcome = { kind: 'success' };

/** Messages.ACCESS_DENIED's English text: what "Deny access" shows without a configured message. */
export const ACCESS_DENIED = 'Access denied';

const matchesValue = (actual: string, expected: string, regex: boolean) =>
  regex ? new RegExp(`^(?:${expected})$`).test(actual) : actual === expected;

export const accessAuthenticators: AuthenticatorRegistry = {
  /**
   * True when the user has the attribute with the expected value (`regex`: the whole value matches the
   * pattern); `not` negates. Group attributes (`include_group_attributes`) are not emulated. Keycloak fails
   * the flow when no user is known yet; the emulator's condition is then false.
   */
  'conditional-user-attribute': {
    matches(ctx) {
      const user = ctx.user;
      if (!user) return false;
      const name = ctx.config.attribute_name ?? '';
      const expected = ctx.config.attribute_expected_value ?? '';
      const regex = ctx.config.regex === 'true';
      const hit = (user.attributes[name] ?? []).some((value) => matchesValue(value, expected, regex));
      return ctx.config.not === 'true' ? !hit : hit;
    },
    authenticate: () => SUCCESS,
  },

  /**
   * Always refuses: an error page (401) with the configured `denyErrorMessage`, event error access_denied. The
   * refusal is a failed login of the user for brute-force detection (DefaultAuthenticationFlow#processResult →
   * AuthenticationProcessor#logFailure).
   */
  'deny-access-authenticator': {
    authenticate(ctx) {
      const message = ctx.config.denyErrorMessage?.trim() || ACCESS_DENIED;
      ctx.event('LOGIN_ERROR', { error: 'access_denied' });
      if (ctx.user) recordLoginFailure(ctx.realm, ctx.user, ctx.request.ipAddress);
      return ctx.failure(message, 401);
    },
  },

  'allow-access-authenticator': {
    authenticate: () => SUCCESS,
  },
};
