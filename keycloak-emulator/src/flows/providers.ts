/**
 * Authenticator providers the emulator knows: what the admin API shows for them (display name,
 * requirement choices, whether they take a config) and which are conditions. The login pages look up
 * the behaviour of a provider by the same id.
 */
import type { Requirement } from '../state/model.js';

export interface AuthenticatorProvider {
  id: string;
  displayName: string;
  description: string;
  configurable: boolean;
  requirementChoices: Requirement[];
  /** conditional authenticators decide whether a CONDITIONAL subflow runs */
  condition?: boolean;
}

const FULL: Requirement[] = ['REQUIRED', 'ALTERNATIVE', 'DISABLED'];
const CONDITION: Requirement[] = ['REQUIRED', 'DISABLED'];
const REQUIRED_ONLY: Requirement[] = ['REQUIRED'];

/** requirement choices of a subflow in a basic flow */
export const SUBFLOW_REQUIREMENT_CHOICES: Requirement[] = ['REQUIRED', 'ALTERNATIVE', 'DISABLED', 'CONDITIONAL'];

const provider = (
  id: string,
  displayName: string,
  description: string,
  requirementChoices: Requirement[] = FULL,
  extra: Partial<AuthenticatorProvider> = {},
): AuthenticatorProvider => ({
  id,
  displayName,
  description,
  configurable: false,
  requirementChoices,
  ...extra,
});

const list: AuthenticatorProvider[] = [
  provider('auth-cookie', 'Cookie', 'Validates the SSO cookie set by the auth server.', [
    'REQUIRED',
    'ALTERNATIVE',
    'DISABLED',
  ]),
  provider('auth-spnego', 'Kerberos', 'Initiates the SPNEGO protocol.  Most often used with Kerberos.', [
    'DISABLED',
    'ALTERNATIVE',
    'REQUIRED',
  ]),
  provider(
    'identity-provider-redirector',
    'Identity Provider Redirector',
    'Redirects to default Identity Provider or Identity Provider specified with kc_idp_hint query parameter',
    ['REQUIRED', 'ALTERNATIVE', 'DISABLED'],
    { configurable: true },
  ),
  provider(
    'organization',
    'Organization Identity-First Login',
    'If organizations are enabled, automatically redirects users to the corresponding identity provider.',
    FULL,
    {
      configurable: true,
    },
  ),
  provider(
    'auth-username-password-form',
    'Username Password Form',
    'Validates a username and password from login form.',
    REQUIRED_ONLY,
  ),
  provider('auth-username-form', 'Username Form', 'Selects a user from his username.', REQUIRED_ONLY),
  provider('auth-password-form', 'Password Form', 'Validates a password from login form.', FULL),
  provider('auth-otp-form', 'OTP Form', 'Validates a OTP on a separate OTP form.', FULL),
  provider(
    'webauthn-authenticator',
    'WebAuthn Authenticator',
    'Authenticator for WebAuthn. Usually used for WebAuthn two-factor authentication',
    FULL,
  ),
  provider(
    'auth-recovery-authn-code-form',
    'Recovery Authentication Code Form',
    'Validates a Recovery Authentication Code',
    FULL,
  ),
  provider(
    'conditional-user-configured',
    'Condition - user configured',
    'Executes the current flow only if authenticators are configured',
    CONDITION,
    {
      condition: true,
    },
  ),
  provider(
    'conditional-user-role',
    'Condition - user role',
    'Flow is executed only if user has the given role.',
    CONDITION,
    {
      condition: true,
      configurable: true,
    },
  ),
  provider(
    'conditional-credential',
    'Condition - credential',
    'Condition to evaluate if a specific credential type has been used (or not used) by the user during the authentication process',
    CONDITION,
    {
      condition: true,
      configurable: true,
    },
  ),
  provider(
    'conditional-level-of-authentication',
    'Condition - Level of Authentication',
    'Flow is executed only if the configured LOA or a higher one has been requested but not yet satisfied. After the flow is successfully finished, the LOA in the session will be updated to value prescribed by this condition.',
    CONDITION,
    {
      condition: true,
      configurable: true,
    },
  ),
  provider(
    'conditional-user-attribute',
    'Condition - user attribute',
    'Flow is executed only if the user attribute exists and has the expected value',
    CONDITION,
    { condition: true, configurable: true },
  ),
  provider(
    'deny-access-authenticator',
    'Deny access',
    'Access will be always denied. Useful for example in the conditional flows to be used after satisfying the previous conditions',
    CONDITION,
    { configurable: true },
  ),
  provider(
    'allow-access-authenticator',
    'Allow access',
    'Authenticator will always successfully authenticate. Useful for example in the conditional flows to be used after satisfying the previous conditions',
    CONDITION,
  ),
  provider('reset-credentials-choose-user', 'Choose User', 'Choose a user to reset credentials for', REQUIRED_ONLY),
  provider('reset-credential-email', 'Send Reset Email', 'Send email to user and wait for response.', REQUIRED_ONLY),
  provider(
    'reset-password',
    'Reset Password',
    'Sets the Update Password required action if execution is REQUIRED.  Will also set it if execution is OPTIONAL and the password is currently configured for it.',
    ['REQUIRED', 'DISABLED'],
  ),
  provider(
    'reset-otp',
    'Reset OTP',
    "Removes existing OTP configurations (if chosen) and sets the 'Configure OTP' required action.",
    ['REQUIRED', 'DISABLED'],
    {
      configurable: true,
    },
  ),
  provider(
    'direct-grant-validate-username',
    'Username Validation',
    "Validates the username supplied as a 'username' form parameter in direct grant request",
    REQUIRED_ONLY,
  ),
  provider(
    'direct-grant-validate-password',
    'Password',
    "Validates the password supplied as a 'password' form parameter in direct grant request",
    ['REQUIRED', 'DISABLED'],
  ),
  provider(
    'direct-grant-validate-otp',
    'OTP',
    "Validates the one time password supplied as a 'totp' form parameter in direct grant request",
    ['REQUIRED', 'DISABLED'],
  ),
  provider(
    'registration-page-form',
    'Registration Page',
    'This is the controller for the registration page',
    REQUIRED_ONLY,
  ),
  provider(
    'registration-user-creation',
    'Registration User Profile Creation',
    'This action must always be first! Validates the username and user profile of the user in validation phase.  In success phase, this will create the user in the database including his user profile.',
    ['REQUIRED', 'DISABLED'],
  ),
  provider(
    'registration-password-action',
    'Password Validation',
    "Validates that password matches password confirmation field.  It also will store password in user's credential store.",
    ['REQUIRED', 'DISABLED'],
  ),
  provider(
    'registration-recaptcha-action',
    'reCAPTCHA',
    'Adds Google reCAPTCHA to the form.',
    ['REQUIRED', 'DISABLED'],
    { configurable: true },
  ),
  provider(
    'registration-terms-and-conditions',
    'Terms and conditions',
    'Asks the user to accept terms and conditions before submitting its registration form.',
    ['REQUIRED', 'DISABLED'],
  ),
  provider(
    'client-secret',
    'Client Id and Secret',
    "Validates client based on 'client_id' and 'client_secret' sent either in request parameters or in 'Authorization: Basic' header",
    ['ALTERNATIVE', 'DISABLED'],
  ),
  provider(
    'client-jwt',
    'Signed Jwt',
    'Validates client based on signed JWT issued by client and signed with the Client private key',
    ['ALTERNATIVE', 'DISABLED'],
  ),
  provider(
    'client-secret-jwt',
    'Signed Jwt with Client Secret',
    'Validates client based on signed JWT issued by client and signed with the Client Secret',
    ['ALTERNATIVE', 'DISABLED'],
  ),
  provider('client-x509', 'X509 Certificate', 'Validates client based on a X509 Certificate', [
    'ALTERNATIVE',
    'DISABLED',
  ]),
  provider(
    'docker-http-basic-authenticator',
    'Docker Authenticator',
    'Uses HTTP Basic authentication to validate docker users, returning a docker error token on auth failure',
    REQUIRED_ONLY,
  ),
  provider(
    'idp-review-profile',
    'Review Profile',
    'User reviews and updates profile data retrieved from Identity Provider in the displayed form',
    ['REQUIRED', 'DISABLED'],
    { configurable: true },
  ),
  provider(
    'idp-create-user-if-unique',
    'Create User If Unique',
    'Detect if there is existing Keycloak account with same email like identity provider. If no, create new user',
    FULL,
    {
      configurable: true,
    },
  ),
  provider(
    'idp-confirm-link',
    'Confirm link existing account',
    'Show the form where user confirms if he wants to link identity provider with existing account or rather edit user profile data retrieved from identity provider to avoid conflict',
    ['REQUIRED', 'DISABLED'],
  ),
  provider(
    'idp-email-verification',
    'Verify existing account by Email',
    'Email verification of existing Keycloak user, that wants to link his user account with identity provider',
    FULL,
  ),
  provider(
    'idp-username-password-form',
    'Username Password Form for identity provider reauthentication',
    'Validates a password from login form. Username may be already known from identity provider authentication',
    REQUIRED_ONLY,
  ),
];

const byId = new Map(list.map((p) => [p.id, p]));

export const authenticatorProvider = (id: string): AuthenticatorProvider | undefined => byId.get(id);
export const isKnownAuthenticator = (id: string): boolean => byId.has(id);

export type ProviderKind = 'authenticator' | 'form' | 'form-action' | 'client';

const FORM_PROVIDERS = new Set(['registration-page-form']);
const CLIENT_AUTHENTICATORS = new Set(['client-secret', 'client-jwt', 'client-secret-jwt', 'client-x509']);

/** Which SPI a provider belongs to: executions of client and form flows take only their own kind. */
export const providerKind = (id: string): ProviderKind => {
  if (FORM_PROVIDERS.has(id)) return 'form';
  if (CLIENT_AUTHENTICATORS.has(id)) return 'client';
  if (id.startsWith('registration-')) return 'form-action';
  return 'authenticator';
};

export const providersOfKind = (kind: ProviderKind): AuthenticatorProvider[] =>
  list.filter((p) => providerKind(p.id) === kind);
