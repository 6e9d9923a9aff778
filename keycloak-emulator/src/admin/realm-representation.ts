/**
 * RealmRepresentation out (full, or reduced for admins without view-realm) and in (a partial merge, as
 * Keycloak's PUT and realm import apply it), and the events configuration. The SMTP password is masked
 * on the way out and a masked value on the way in keeps the stored one.
 */
import { SAVED_BY_DEFAULT } from '../events/event-types.js';
import type { RealmModel } from '../state/model.js';
import { NON_SETTING_FIELDS } from '../state/realm-defaults.js';

const SMTP_PASSWORD_MASK = '**********';

/** The applications Keycloak lists on the OTP setup page for a policy (FreeOTP handles every policy). */
export const otpSupportedApplications = (settings: Record<string, unknown>): string[] => {
  const standard =
    settings.otpPolicyType === 'totp' &&
    settings.otpPolicyAlgorithm === 'HmacSHA1' &&
    Number(settings.otpPolicyDigits) === 6 &&
    Number(settings.otpPolicyPeriod) === 30;
  return standard
    ? ['totpAppFreeOTPName', 'totpAppGoogleName', 'totpAppMicrosoftAuthenticatorName']
    : ['totpAppFreeOTPName'];
};

const defaultRoleRepresentation = (realm: RealmModel) => {
  const role = realm.roles.get(`default-roles-${realm.name}`);
  return role
    ? {
        id: role.id,
        name: role.name,
        description: role.description,
        composite: true,
        clientRole: false,
        containerId: realm.id,
      }
    : undefined;
};

export const realmRepresentation = (realm: RealmModel) => {
  const settings = { ...realm.settings };
  const smtp = settings.smtpServer as Record<string, string> | undefined;
  if (smtp?.password) settings.smtpServer = { ...smtp, password: SMTP_PASSWORD_MASK };
  return {
    id: realm.id,
    realm: realm.name,
    ...settings,
    defaultRole: defaultRoleRepresentation(realm),
    otpSupportedApplications: otpSupportedApplications(realm.settings),
  };
};

/** What an admin without view-realm sees (enough for the admin console to show the realm's name). */
export const reducedRealmRepresentation = (realm: RealmModel) => ({
  id: realm.id,
  realm: realm.name,
  ...(realm.settings.displayName === undefined ? {} : { displayName: realm.settings.displayName }),
  ...(realm.settings.displayNameHtml === undefined ? {} : { displayNameHtml: realm.settings.displayNameHtml }),
  internationalizationEnabled: realm.settings.internationalizationEnabled,
  supportedLocales: realm.settings.supportedLocales,
});

/** Applies a RealmRepresentation's settings as Keycloak's PUT does: only the fields present change. */
export const mergeRealmSettings = (realm: RealmModel, rep: Record<string, unknown>): void => {
  for (const [key, value] of Object.entries(rep)) {
    if (NON_SETTING_FIELDS.has(key) || value === undefined) continue;
    if (key === 'smtpServer' && value && typeof value === 'object') {
      const incoming = { ...(value as Record<string, string>) };
      const current = (realm.settings.smtpServer ?? {}) as Record<string, string>;
      if (incoming.password === SMTP_PASSWORD_MASK) incoming.password = current.password ?? '';
      realm.settings.smtpServer = incoming;
      continue;
    }
    if (key === 'attributes' && value && typeof value === 'object') {
      realm.settings.attributes = { ...(realm.settings.attributes as object), ...(value as object) };
      continue;
    }
    realm.settings[key] = structuredClone(value);
  }
};

export const eventsConfig = (realm: RealmModel) => ({
  eventsEnabled: realm.settings.eventsEnabled ?? false,
  ...(realm.settings.eventsExpiration === undefined ? {} : { eventsExpiration: realm.settings.eventsExpiration }),
  eventsListeners: realm.settings.eventsListeners ?? [],
  // Keycloak shows the types it stores by default when none are chosen.
  enabledEventTypes: (realm.settings.enabledEventTypes as string[] | undefined)?.length
    ? realm.settings.enabledEventTypes
    : SAVED_BY_DEFAULT,
  adminEventsEnabled: realm.settings.adminEventsEnabled ?? false,
  adminEventsDetailsEnabled: realm.settings.adminEventsDetailsEnabled ?? false,
});
