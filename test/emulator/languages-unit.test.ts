/**
 * The emulator's message files and Keycloak's locale selection rules, as pure functions: every key in every
 * language, DefaultLocaleSelectorProvider's order and findBestMatchingLocale's matching.
 */

import { acceptedLanguages, bestMatch, selectLocale } from '../../keycloak-emulator/src/i18n/locale-selection.js';
import { de } from '../../keycloak-emulator/src/i18n/messages/de.js';
import { en } from '../../keycloak-emulator/src/i18n/messages/en.js';
import { fr } from '../../keycloak-emulator/src/i18n/messages/fr.js';

describe('message files', () => {
  test.each([
    ['fr', fr],
    ['de', de],
  ])(
    '%s has exactly the English keys, each with a text using only parameters the English one has',
    (_tag, messages) => {
      expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
      for (const [key, english] of Object.entries(en)) {
        const text = (messages as Record<string, string>)[key] ?? '';
        expect(text.trim()).not.toBe('');
        const params = (t: string): string[] => t.match(/\{\d+\}/g) ?? [];
        const unknown = params(text).filter((p) => !params(english).includes(p));
        expect([key, unknown]).toEqual([key, []]);
      }
    },
  );
});

describe('locale selection (DefaultLocaleSelectorProvider)', () => {
  const realm = { enabled: true, supported: ['en', 'fr', 'de'], defaultLocale: 'en' };
  const all = {
    userRequested: 'de',
    userAttribute: 'fr',
    clientRequested: 'en',
    cookie: 'fr',
    acceptLanguage: 'de',
  };

  test('the user’s pick, then the user’s locale, ui_locales, the cookie, Accept-Language, the realm default', () => {
    expect(selectLocale(realm, all)).toBe('de');
    expect(selectLocale(realm, { ...all, userRequested: undefined })).toBe('fr');
    expect(selectLocale(realm, { ...all, userRequested: undefined, userAttribute: undefined })).toBe('en');
    expect(selectLocale(realm, { cookie: 'fr', acceptLanguage: 'de' })).toBe('fr');
    expect(selectLocale(realm, { acceptLanguage: 'it, de;q=0.8' })).toBe('de');
    expect(selectLocale({ ...realm, defaultLocale: 'fr' }, { acceptLanguage: 'it' })).toBe('fr');
  });

  test('a hint outside the supported locales is passed over; internationalization off is English', () => {
    expect(selectLocale(realm, { userAttribute: 'es', cookie: 'de' })).toBe('de');
    expect(selectLocale({ ...realm, enabled: false }, all)).toBe('en');
  });

  test('matching: the same language with the region on one side only, an exact region first', () => {
    expect(bestMatch(['en', 'fr'], 'fr-CA')).toBe('fr');
    expect(bestMatch(['pt-BR', 'pt-PT'], 'pt')).toBe('pt-BR');
    expect(bestMatch(['pt', 'pt-BR'], 'pt-BR')).toBe('pt-BR');
    expect(bestMatch(['pt-PT'], 'pt-BR')).toBeUndefined();
    expect(bestMatch(['en', 'de'], 'es', 'de-AT')).toBe('de');
  });

  test('Accept-Language by weight, then order; q=0 and * dropped', () => {
    expect(acceptedLanguages('fr;q=0.5, de, en;q=0.9, *;q=0.1, it;q=0')).toEqual(['de', 'en', 'fr']);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });
});
