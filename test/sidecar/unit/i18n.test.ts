/** Languages without servers: every key in every language, the choice of language, filled-in words. */
import { LOCALES, MESSAGES, pickLocale, pickRequestLocale, translatorFor } from '../../../sidecar/src/i18n/index.js';

/** `{a: {b: 'x'}}` → `['a.b']`, the keys a translator looks up. */
const keysOf = (tree: object, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value as object, `${prefix}${key}.`),
  );
const placeholdersOf = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('message files', () => {
  const english = keysOf(MESSAGES.en).sort();

  test.each(LOCALES.filter((l) => l !== 'en'))('%s has exactly the English keys, none empty', (locale) => {
    expect(keysOf(MESSAGES[locale]).sort()).toEqual(english);
    for (const key of english)
      expect(
        translatorFor(locale)
          .t(key as never)
          .trim(),
      ).not.toBe('');
  });

  test.each(LOCALES.filter((l) => l !== 'en'))('%s fills in the same placeholders as English', (locale) => {
    const at = (messages: object, key: string) =>
      key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages) as string;
    for (const key of english) {
      expect({ key, placeholders: placeholdersOf(at(MESSAGES[locale], key)) }).toEqual({
        key,
        placeholders: placeholdersOf(at(MESSAGES.en, key)),
      });
    }
  });
});

describe('choosing the language as Keycloak does', () => {
  test("the user's locale attribute comes first", () => {
    expect(pickLocale({ userLocale: 'fr', acceptLanguage: 'de', realmDefault: 'en' })).toBe('fr');
    expect(pickLocale({ userLocale: 'de-AT' })).toBe('de');
  });

  test('then the browser, by preference, ignoring languages the sidecar does not speak', () => {
    expect(pickLocale({ acceptLanguage: 'it-IT,it;q=0.9,de;q=0.8,fr;q=0.5', realmDefault: 'fr' })).toBe('de');
    expect(pickLocale({ acceptLanguage: 'en;q=0.2, fr-CH', realmDefault: 'de' })).toBe('fr');
    expect(pickLocale({ userLocale: 'pt-BR', acceptLanguage: 'fr', realmDefault: 'de' })).toBe('fr');
  });

  test("then the realm's default, then English", () => {
    expect(pickLocale({ acceptLanguage: 'ja', realmDefault: 'de' })).toBe('de');
    expect(pickLocale({ acceptLanguage: '*', realmDefault: 'fr' })).toBe('fr');
    expect(pickLocale({ realmDefault: 'xx' })).toBe('en');
    expect(pickLocale({})).toBe('en');
  });
});

test("for a request, the realm's default is read only when the user and the browser leave it open", async () => {
  let reads = 0;
  const realmDefault = async () => {
    reads++;
    return 'de';
  };
  expect(await pickRequestLocale({ userLocale: 'fr' }, realmDefault)).toBe('fr');
  expect(await pickRequestLocale({ acceptLanguage: 'fr-CH' }, realmDefault)).toBe('fr');
  expect(reads).toBe(0);
  expect(await pickRequestLocale({ acceptLanguage: 'ja' }, realmDefault)).toBe('de');
  expect(await pickRequestLocale({}, async () => Promise.reject(new Error('down')))).toBe('en');
  expect(reads).toBe(1);
});

describe('translators', () => {
  test('fill in values as plain text (HTML escaping is the caller’s)', () => {
    expect(translatorFor('fr').t('common.greeting', { username: '<ann>' })).toBe('Bonjour <ann>,');
    expect(translatorFor('de').t('common.greeting', { username: 'ann' })).toBe('Hallo ann,');
  });

  test('write dates the way each language does, in UTC', () => {
    const moment = new Date(Date.UTC(2026, 11, 2, 9, 5));
    expect(translatorFor('en').dateTime(moment)).toMatch(/December 2, 2026.*9:05.*UTC/);
    expect(translatorFor('fr').dateTime(moment)).toMatch(/2 décembre 2026.*09:05 UTC/);
    expect(translatorFor('de').dateTime(moment)).toMatch(/2\. Dezember 2026.*09:05 UTC/);
  });
});
