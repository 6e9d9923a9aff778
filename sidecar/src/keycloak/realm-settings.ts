/**
 * The few realm settings the sidecar follows (read with `view-realm`): the realm's `acr.loa.map` for staff
 * sign-in and its default locale for emails and pages. Read at most every 5 minutes; when Keycloak cannot be
 * read the last known value (or nothing) is used, so a Keycloak outage never stops a page or an email.
 */
import type { KeycloakConnection } from './connection.js';

export interface RealmSettings {
  /** ACR name → level of authentication, from the realm attribute `acr.loa.map` */
  acrLoaMap?: Record<string, number>;
  /** the realm's `defaultLocale` when internationalization is on (Keycloak ignores it otherwise) */
  defaultLocale?: string;
}

const REFRESH_MS = 5 * 60_000;

const loaMapIn = (attributes: Record<string, unknown> | undefined): Record<string, number> | undefined => {
  try {
    return JSON.parse(String(attributes?.['acr.loa.map'] ?? 'null')) ?? undefined;
  } catch {
    return undefined;
  }
};

/** A reader of the realm's settings, cached; never rejects. */
export const realmSettingsReader = (keycloak: KeycloakConnection): (() => Promise<RealmSettings>) => {
  let cached: { value: RealmSettings; until: number } | undefined;
  return async () => {
    if (cached && cached.until > Date.now()) return cached.value;
    const representation = await keycloak
      .call('readRealm', (c) => c.realms.findOne({ realm: keycloak.realm }))
      .catch(() => undefined);
    if (!representation) return cached?.value ?? {};
    const value: RealmSettings = {
      acrLoaMap: loaMapIn(representation.attributes),
      ...(representation.internationalizationEnabled && representation.defaultLocale
        ? { defaultLocale: representation.defaultLocale }
        : {}),
    };
    cached = { value, until: Date.now() + REFRESH_MS };
    return value;
  };
};
