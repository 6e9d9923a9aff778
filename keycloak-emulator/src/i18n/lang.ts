/**
 * A page's or an email's language: its tag, its texts (Keycloak's keys, `{0}` parameters), and the
 * realm's language menu. Texts exist in English, French and German; any other language Keycloak could
 * select gets the English texts (the emulator ships no other message files).
 */
import type { RealmModel } from '../state/model.js';
import { type LocaleHints, type RealmLocales, selectLocale } from './locale-selection.js';
import { de } from './messages/de.js';
import { en, type MessageKey, type Messages } from './messages/en.js';
import { fr } from './messages/fr.js';

export type { MessageKey } from './messages/en.js';

export const MESSAGES: Record<string, Messages> = { en, fr, de };

/** English text → its key, so a message the emulator carries in English can be shown in the page's language. */
const KEY_OF_ENGLISH = new Map<string, MessageKey>(Object.entries(en).map(([key, text]) => [text, key as MessageKey]));

const format = (text: string, args: unknown[]) =>
  text.replace(/\{(\d+)\}/g, (all, i) => String(args[Number(i)] ?? all));

export interface LanguageChoice {
  tag: string;
  label: string;
  url: string;
}

export class Lang {
  readonly messages: Messages;
  constructor(
    readonly tag: string,
    /** the language menu, when the realm offers more than one language */
    readonly choices: LanguageChoice[] = [],
  ) {
    this.messages = MESSAGES[tag.split('-')[0] ?? 'en'] ?? en;
  }

  t(key: MessageKey, ...args: unknown[]): string {
    return format(this.messages[key], args);
  }

  /** A message known by its English text, in this language; any other text as it is (as Keycloak shows an unknown key). */
  text(english: string): string {
    const key = KEY_OF_ENGLISH.get(english);
    return key ? this.messages[key] : english;
  }
}

export const ENGLISH = new Lang('en');

export const realmLocales = (realm: RealmModel): RealmLocales => ({
  enabled: realm.settings.internationalizationEnabled === true,
  supported: ((realm.settings.supportedLocales as string[] | undefined) ?? []).map(String),
  ...(typeof realm.settings.defaultLocale === 'string' ? { defaultLocale: realm.settings.defaultLocale } : {}),
});

/**
 * The language for these hints, with the menu of the realm's supported locales (sorted by label, as
 * template.ftl lists them) pointing at `switchUrl(tag)` — shown only with internationalization on and
 * more than one supported locale.
 */
export const langFor = (realm: RealmModel, hints: LocaleHints, switchUrl?: (tag: string) => string): Lang => {
  const locales = realmLocales(realm);
  const tag = selectLocale(locales, hints);
  const lang = new Lang(tag);
  if (!switchUrl || !locales.enabled || locales.supported.length < 2) return lang;
  const label = (l: string) => (lang.messages as Record<string, string>)[`locale_${l}`] ?? l;
  const choices = locales.supported
    .map((l) => ({ tag: l, label: label(l), url: switchUrl(l) }))
    .sort((a, b) => a.label.localeCompare(b.label, tag, { sensitivity: 'base' }));
  return new Lang(tag, choices);
};
