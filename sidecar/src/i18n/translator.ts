/**
 * The sidecar's words in a person's language (i18next underneath). One translator per language, made once;
 * `t` returns plain text — HTML callers escape it like any other text.
 */
import i18next, { type TFunction } from 'i18next';
import { FALLBACK_LOCALE, LOCALES, type Locale } from './locales.js';
import { de } from './messages/de/index.js';
import { en } from './messages/en/index.js';
import { fr } from './messages/fr/index.js';
import type { MessageKey, Messages } from './messages/shape.js';

export const MESSAGES: Record<Locale, Messages> = { en, fr, de };

export interface Translator {
  locale: Locale;
  t(key: MessageKey, values?: Record<string, string | number>): string;
  /** a moment as the person reads it, in UTC (the sidecar does not know their time zone) */
  dateTime(moment: Date): string;
  /** the day of a moment (UTC) as the person reads it: a deadline */
  date(moment: Date): string;
}

const i18n = i18next.createInstance();
void i18n.init({
  resources: Object.fromEntries(LOCALES.map((locale) => [locale, { translation: MESSAGES[locale] }])),
  lng: FALLBACK_LOCALE,
  fallbackLng: FALLBACK_LOCALE,
  supportedLngs: [...LOCALES],
  // Text, not HTML: escaping belongs to whoever writes HTML (util/html.ts), so text emails stay readable.
  interpolation: { escapeValue: false },
  // Resources are in memory: init completes synchronously, so translators can be made at import time.
  initAsync: false,
});

const make = (locale: Locale): Translator => {
  const fixed: TFunction = i18n.getFixedT(locale);
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  const dayFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    locale,
    t: (key, values) => fixed(key, values ?? {}) as string,
    dateTime: (moment) => `${format.format(moment)} UTC`,
    date: (moment) => dayFormat.format(moment),
  };
};

const TRANSLATORS = Object.fromEntries(LOCALES.map((locale) => [locale, make(locale)])) as Record<Locale, Translator>;

export const translatorFor = (locale: Locale): Translator => TRANSLATORS[locale];
