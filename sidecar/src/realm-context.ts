/** The one realm the sidecar serves, with the URLs every part derives from it (computed once). */
import type { Settings } from './config/schema.js';
import { realmUrlOf } from './http/auth.js';

export interface RealmContext {
  /** the realm's name in Keycloak */
  name: string;
  /** how emails and pages name the realm */
  displayName: string;
  /** `<keycloak>/realms/<realm>` as the sidecar reaches it */
  url: string;
  /** the same as browsers reach it (KEYCLOAK_PUBLIC_URL, else KEYCLOAK_URL) */
  publicUrl: string;
  /** the account console as browsers reach it, linked from emails */
  accountUrl: string;
}

export const realmContextOf = (settings: Settings): RealmContext => {
  const url = realmUrlOf(settings.KEYCLOAK_URL, settings.KEYCLOAK_REALM);
  const publicUrl = realmUrlOf(settings.KEYCLOAK_PUBLIC_URL ?? settings.KEYCLOAK_URL, settings.KEYCLOAK_REALM);
  return {
    name: settings.KEYCLOAK_REALM,
    displayName: settings.REALM_DISPLAY_NAME ?? settings.KEYCLOAK_REALM,
    url,
    publicUrl,
    // Read in a mail client: the address browsers reach, not the sidecar's internal one.
    accountUrl: `${publicUrl}/account`,
  };
};
