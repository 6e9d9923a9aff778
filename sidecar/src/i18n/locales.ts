/**
 * Which language a person gets, as Keycloak decides it for its own pages and emails: the user's `locale`
 * attribute when the user is known, else the browser's `Accept-Language` (anonymous pages), else the realm's
 * default locale, else English. Pure: the callers bring what they know.
 */
import Negotiator from 'negotiator';

export const LOCALES = ['en', 'fr', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export const FALLBACK_LOCALE: Locale = 'en';

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

/** `fr-CA` → `fr`: Keycloak's locale attribute and browsers may carry a region the messages do not have. */
const baseOf = (tag: string | undefined): Locale | undefined => {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(base) ? base : undefined;
};

export interface LocaleHints {
  /** the user's `locale` attribute (Keycloak keeps it when the realm has internationalization on) */
  userLocale?: string;
  /** the request's Accept-Language header, for pages before anyone is known */
  acceptLanguage?: string;
  /** the realm's `defaultLocale` */
  realmDefault?: string;
}

const fromAcceptLanguage = (header: string | undefined): Locale | undefined => {
  if (!header) return undefined;
  // Negotiator ranks by q-value; asking for the full tags too lets `fr-CH` count as French.
  const ranked = new Negotiator({ headers: { 'accept-language': header } }).languages();
  for (const tag of ranked) {
    const locale = baseOf(tag);
    if (locale) return locale;
  }
  return undefined;
};

export const pickLocale = (hints: LocaleHints): Locale =>
  baseOf(hints.userLocale) ?? fromAcceptLanguage(hints.acceptLanguage) ?? baseOf(hints.realmDefault) ?? FALLBACK_LOCALE;

/**
 * `pickLocale` for a request, where the realm's default costs a (cached) Keycloak read: it is asked for only
 * when the user and the browser leave the language open.
 */
export const pickRequestLocale = async (
  hints: Omit<LocaleHints, 'realmDefault'>,
  realmDefault: () => Promise<string | undefined>,
): Promise<Locale> =>
  baseOf(hints.userLocale) ??
  fromAcceptLanguage(hints.acceptLanguage) ??
  baseOf(await realmDefault().catch(() => undefined)) ??
  FALLBACK_LOCALE;
