/**
 * What a new Keycloak 26 realm holds before anyone changes it: the scalar settings of its
 * RealmRepresentation, its built-in required actions, clients and roles.
 */
import type { RequiredActionModel } from './model.js';

/** Scalar realm settings and their defaults, in RealmRepresentation field order. */
export const DEFAULT_REALM_SETTINGS: Readonly<Record<string, unknown>> = Object.freeze({
  notBefore: 0,
  defaultSignatureAlgorithm: 'RS256',
  revokeRefreshToken: false,
  refreshTokenMaxReuse: 0,
  accessTokenLifespan: 300,
  accessTokenLifespanForImplicitFlow: 900,
  ssoSessionIdleTimeout: 1800,
  ssoSessionMaxLifespan: 36000,
  ssoSessionIdleTimeoutRememberMe: 0,
  ssoSessionMaxLifespanRememberMe: 0,
  offlineSessionIdleTimeout: 2592000,
  offlineSessionMaxLifespanEnabled: false,
  offlineSessionMaxLifespan: 5184000,
  clientSessionIdleTimeout: 0,
  clientSessionMaxLifespan: 0,
  clientOfflineSessionIdleTimeout: 0,
  clientOfflineSessionMaxLifespan: 0,
  accessCodeLifespan: 60,
  accessCodeLifespanUserAction: 300,
  accessCodeLifespanLogin: 1800,
  actionTokenGeneratedByAdminLifespan: 43200,
  actionTokenGeneratedByUserLifespan: 300,
  oauth2DeviceCodeLifespan: 600,
  oauth2DevicePollingInterval: 5,
  enabled: true,
  sslRequired: 'external',
  registrationAllowed: false,
  registrationEmailAsUsername: false,
  rememberMe: false,
  verifyEmail: false,
  loginWithEmailAllowed: true,
  duplicateEmailsAllowed: false,
  resetPasswordAllowed: false,
  editUsernameAllowed: false,
  bruteForceProtected: false,
  permanentLockout: false,
  maxTemporaryLockouts: 0,
  bruteForceStrategy: 'MULTIPLE',
  maxFailureWaitSeconds: 900,
  minimumQuickLoginWaitSeconds: 60,
  waitIncrementSeconds: 60,
  quickLoginCheckMilliSeconds: 1000,
  maxDeltaTimeSeconds: 43200,
  failureFactor: 30,
  requiredCredentials: ['password'],
  otpPolicyType: 'totp',
  otpPolicyAlgorithm: 'HmacSHA1',
  otpPolicyInitialCounter: 0,
  otpPolicyDigits: 6,
  otpPolicyLookAheadWindow: 1,
  otpPolicyPeriod: 30,
  otpPolicyCodeReusable: false,
  localizationTexts: {},
  browserSecurityHeaders: {
    contentSecurityPolicyReportOnly: '',
    xContentTypeOptions: 'nosniff',
    referrerPolicy: 'no-referrer',
    xRobotsTag: 'none',
    xFrameOptions: 'SAMEORIGIN',
    contentSecurityPolicy: "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
    strictTransportSecurity: 'max-age=31536000; includeSubDomains',
  },
  smtpServer: {},
  eventsEnabled: false,
  eventsListeners: ['jboss-logging'],
  enabledEventTypes: [],
  adminEventsEnabled: false,
  adminEventsDetailsEnabled: false,
  identityProviders: [],
  identityProviderMappers: [],
  internationalizationEnabled: false,
  supportedLocales: [],
  browserFlow: 'browser',
  registrationFlow: 'registration',
  directGrantFlow: 'direct grant',
  resetCredentialsFlow: 'reset credentials',
  clientAuthenticationFlow: 'clients',
  dockerAuthenticationFlow: 'docker auth',
  firstBrokerLoginFlow: 'first broker login',
  attributes: {
    cibaBackchannelTokenDeliveryMode: 'poll',
    cibaExpiresIn: '120',
    cibaAuthRequestedUserHint: 'login_hint',
    parRequestUriLifespan: '60',
    cibaInterval: '5',
    realmReusableOtpCode: 'false',
  },
  userManagedAccessAllowed: false,
  organizationsEnabled: false,
  verifiableCredentialsEnabled: false,
  adminPermissionsEnabled: false,
  social: false,
  updateProfileOnInitialSocialLogin: false,
});

/**
 * Settings the admin API shows but never stores: Keycloak derives them (otpSupportedApplications) or
 * keeps them elsewhere (users, clients, roles, groups, flows are their own resources).
 */
export const NON_SETTING_FIELDS = new Set([
  'id',
  'realm',
  'users',
  'clients',
  'roles',
  'groups',
  'defaultRole',
  'authenticationFlows',
  'authenticatorConfig',
  'requiredActions',
  'otpSupportedApplications',
  'clientScopes',
  'defaultDefaultClientScopes',
  'defaultOptionalClientScopes',
  'components',
  'federatedUsers',
  'scopeMappings',
  'clientScopeMappings',
  'defaultGroups',
]);

const action = (alias: string, name: string, priority: number, enabled = true): RequiredActionModel => ({
  alias,
  name,
  providerId: alias,
  enabled,
  defaultAction: false,
  priority,
  config: {},
});

/** Registered required actions of a new realm, in priority order. */
export const builtinRequiredActions = (): RequiredActionModel[] => [
  action('CONFIGURE_TOTP', 'Configure OTP', 10),
  action('TERMS_AND_CONDITIONS', 'Terms and Conditions', 20, false),
  action('UPDATE_PASSWORD', 'Update Password', 30),
  action('UPDATE_PROFILE', 'Update Profile', 40),
  action('VERIFY_EMAIL', 'Verify Email', 50),
  action('delete_account', 'Delete Account', 60, false),
  action('webauthn-register', 'Webauthn Register', 80),
  action('webauthn-register-passwordless', 'Webauthn Register Passwordless', 90),
  action('VERIFY_PROFILE', 'Verify Profile', 100),
  action('delete_credential', 'Delete Credential', 110),
  action('idp_link', 'Linking Identity Provider', 120),
  action('update_user_locale', 'Update User Locale', 1000),
];

/**
 * Providers that exist but are not registered in a new realm (`unregistered-required-actions`): those
 * behind features that are off by default.
 */
export const UNREGISTERED_REQUIRED_ACTION_PROVIDERS: { providerId: string; name: string }[] = [
  { providerId: 'CONFIGURE_RECOVERY_AUTHN_CODES', name: 'Recovery Authentication Codes' },
  { providerId: 'UPDATE_EMAIL', name: 'Update Email' },
];

/** The roles of a realm's `realm-management` client (and of `<realm>-realm` clients in master). */
export const REALM_MANAGEMENT_ROLES = [
  'create-client',
  'impersonation',
  'manage-authorization',
  'manage-clients',
  'manage-events',
  'manage-identity-providers',
  'manage-realm',
  'manage-users',
  'query-clients',
  'query-groups',
  'query-realms',
  'query-users',
  'realm-admin',
  'view-authorization',
  'view-clients',
  'view-events',
  'view-identity-providers',
  'view-realm',
  'view-users',
] as const;

export type AdminRole = (typeof REALM_MANAGEMENT_ROLES)[number];

/** Composite admin roles: holding the key implies holding every role listed. */
export const ADMIN_ROLE_COMPOSITES: Partial<Record<AdminRole, AdminRole[]>> = {
  'realm-admin': REALM_MANAGEMENT_ROLES.filter((r) => r !== 'realm-admin'),
  'view-users': ['query-users', 'query-groups'],
  'view-clients': ['query-clients'],
};

export const ACCOUNT_CLIENT_ROLES = [
  'delete-account',
  'manage-account',
  'manage-account-links',
  'manage-consent',
  'view-applications',
  'view-consent',
  'view-groups',
  'view-profile',
];
