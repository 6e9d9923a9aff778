/**
 * realm.yaml `internationalization`: the realm's languages as Keycloak holds them (RealmRepresentation
 * `internationalizationEnabled`, `supportedLocales`, `defaultLocale`). Absent from the file: the realm's
 * languages are left as they are. Supported locales compare as a set (Keycloak keeps them unordered).
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type RealmRepresentation from '@keycloak/keycloak-admin-client/lib/defs/realmRepresentation.js';
import type { RealmFile } from '../../realm-files/src/index.js';
import { type Change, detailLines } from './change.js';
import { fieldDifferences } from './desired.js';

export const desiredLocalization = (declared: RealmFile) => {
  const wanted = declared.internationalization;
  if (!wanted) return undefined;
  return {
    internationalizationEnabled: wanted.enabled,
    supportedLocales: [...wanted.supportedLocales].sort(),
    defaultLocale: wanted.defaultLocale,
  };
};

/** The live realm's languages in the same shape (locales sorted). */
export const liveLocalization = (live: RealmRepresentation) => ({
  internationalizationEnabled: live.internationalizationEnabled ?? false,
  supportedLocales: [...(live.supportedLocales ?? [])].sort(),
  ...(live.defaultLocale ? { defaultLocale: live.defaultLocale } : {}),
});

export const planLocalization = (kc: KcAdminClient, declared: RealmFile, live: RealmRepresentation): Change[] => {
  const desired = desiredLocalization(declared);
  if (!desired) return [];
  const diffs = fieldDifferences('internationalization.', liveLocalization(live), desired);
  if (diffs.length === 0) return [];
  return [
    {
      area: 'localization',
      summary: 'update the realm languages (internationalization)',
      details: detailLines(diffs),
      apply: () => kc.realms.update({ realm: declared.realm }, desired),
    },
  ];
};
