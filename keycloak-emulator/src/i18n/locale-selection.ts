/**
 * Which language a page or an email is in, as Keycloak 26's DefaultLocaleSelectorProvider decides
 * (pure: the caller gathers the hints). With internationalization off: English. Otherwise the first of
 * — the language the user picked in this login (`kc_locale`), the user's `locale` attribute, the
 * client's `ui_locales` (space-separated, first match wins), the KEYCLOAK_LOCALE cookie, Accept-Language
 * (by q order) — that matches one of the realm's supported locales; else the realm's default; else English.
 */
export interface RealmLocales {
  enabled: boolean;
  supported: string[];
  defaultLocale?: string;
}

export interface LocaleHints {
  userRequested?: string;
  userAttribute?: string;
  clientRequested?: string;
  cookie?: string;
  acceptLanguage?: string;
}

const parts = (tag: string) => {
  const [language = '', region = ''] = tag.trim().replace(/_/g, '-').split('-');
  return { language: language.toLowerCase(), region: region.toUpperCase() };
};

/**
 * findBestMatchingLocale: a supported locale of the same language whose region is equal, or missing on
 * exactly one side ("fr-CA" finds "fr", "fr" finds "fr-FR"); an exact region beats a language-only match.
 */
export const bestMatch = (supported: string[], ...candidates: (string | undefined)[]): string | undefined => {
  for (const candidate of candidates) {
    if (!candidate?.trim()) continue;
    const wanted = parts(candidate);
    const matches = supported.filter((tag) => {
      const have = parts(tag);
      return have.language === wanted.language && (have.region === wanted.region || !have.region !== !wanted.region);
    });
    const exact = matches.find((tag) => parts(tag).region === wanted.region);
    if (exact ?? matches[0]) return exact ?? matches[0];
  }
  return undefined;
};

/** Accept-Language's tags, most wanted first (q=0 dropped, `*` ignored). */
export const acceptedLanguages = (header: string | undefined): string[] =>
  (header ?? '')
    .split(',')
    .map((entry, index) => {
      const [tag = '', ...params] = entry.trim().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1);
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((e) => e.tag && e.tag !== '*' && e.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((e) => e.tag);

export const selectLocale = (realm: RealmLocales, hints: LocaleHints): string => {
  if (!realm.enabled) return 'en';
  const { supported } = realm;
  const found =
    bestMatch(supported, hints.userRequested) ??
    bestMatch(supported, hints.userAttribute) ??
    bestMatch(supported, ...(hints.clientRequested ?? '').split(' ')) ??
    bestMatch(supported, hints.cookie) ??
    bestMatch(supported, ...acceptedLanguages(hints.acceptLanguage));
  return found ?? realm.defaultLocale ?? 'en';
};
