/**
 * The end-user pages' language, as Keycloak chooses its own: the browser's Accept-Language for pages before
 * anyone is known, else the realm's default locale (when the realm has internationalization on), else
 * English; after the proving sign-in, the user's `locale` attribute (the ID token's `locale` claim) first.
 * Every page says which (`<html lang>`, Content-Language) and varies by Accept-Language. First a realm with
 * internationalization off, then one with it on (default French) at `helpdesk-only`, where the lost-phone page
 * has no form.
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type { Browser } from 'playwright-core';
import type { Sidecar } from '../../sidecar/src/main.js';
import { codeFor, launchBrowser } from '../support/browser.js';
import { expectSoundEndUserPage, trackDocuments } from '../support/end-user-pages.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from '../support/keycloak.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { bootstrapRealm, DISTANT_DEADLINE, startTestSidecar, type TestRealm } from '../support/sidecar-realm.js';
import { type MailCatcher, startMailCatcher } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';

let kut: KeycloakUnderTest;
let kc: KcAdminClient;
let mail: MailCatcher;
let browser: Browser;
let target: TestRealm;
let sidecar: Sidecar | undefined;

/** The realm with this sidecar.yaml (applied by the admin scripts), then a sidecar on it. */
const withPolicy = async (policy: Record<string, unknown>, realmChanges: Record<string, unknown> = {}) => {
  await sidecar?.close();
  // Without realm.yaml's `internationalization` the admin scripts leave the realm's languages alone: a new
  // realm has internationalization off, so no default locale; the test sets the realm's languages itself.
  const withoutLanguages = (realmFile: Record<string, unknown>) => delete realmFile.internationalization;
  target = await bootstrapRealm(
    kc,
    mail,
    { enforcement: DISTANT_DEADLINE, ...policy },
    'languages',
    target?.realm,
    withoutLanguages,
  );
  if (Object.keys(realmChanges).length > 0) await kc.realms.update({ realm: target.realm }, realmChanges);
  sidecar = await startTestSidecar(kut, mail, target);
  await sidecar.firstPass;
  return sidecar;
};

beforeAll(async () => {
  [kut, mail, browser] = await Promise.all([startKeycloakUnderTest(), startMailCatcher(), launchBrowser()]);
  kc = await masterAdminClient(kut);
  await withPolicy({});
}, 120_000);

afterAll(async () => {
  await sidecar?.close();
  await Promise.all([browser?.close(), mail?.close(), kut?.close()]);
});

const TOKEN = 'A'.repeat(43);

/** Each page's heading and language for a browser asking this Accept-Language (none: undefined). */
const headingsFor = async (acceptLanguage: string | undefined) => {
  const s = sidecar as Sidecar;
  const headers: Record<string, string> = acceptLanguage ? { 'accept-language': acceptLanguage } : {};
  const form = { ...headers, 'content-type': 'application/x-www-form-urlencoded' };
  const responses = await Promise.all([
    fetch(`${s.url}/recovery`, { headers }),
    fetch(`${s.url}/api/v1/recovery`, { method: 'POST', headers: form, body: 'identifier=nobody' }),
    fetch(`${s.url}/recovery/complete`, { headers }),
    fetch(`${s.url}/notice/cancel?t=${TOKEN}`, { headers }),
    fetch(`${s.url}/notice/cancel`, { method: 'POST', headers: form, body: `t=${TOKEN}` }),
  ]);
  return Promise.all(
    responses.map(async (r) => {
      const html = await r.text();
      expect(r.headers.get('vary')).toMatch(/Accept-Language/i);
      return {
        language: r.headers.get('content-language'),
        lang: /<html lang="([^"]+)"/.exec(html)?.[1],
        heading: /<h1>([^<]*)<\/h1>/.exec(html)?.[1],
      };
    }),
  );
};

const HEADINGS = {
  en: [
    'Lost or replaced your phone?',
    'Check your email',
    'Confirm your new phone',
    'This wasn’t me',
    'Link not valid',
  ],
  fr: [
    'Téléphone perdu ou remplacé\u00a0?',
    'Consultez vos e-mails',
    'Confirmez votre nouveau téléphone',
    'Ce n’était pas moi',
    'Lien non valide',
  ],
  de: [
    'Telefon verloren oder ersetzt?',
    'Prüfen Sie Ihre E-Mails',
    'Neues Telefon bestätigen',
    'Das war ich nicht',
    'Link ungültig',
  ],
};

const expected = (locale: keyof typeof HEADINGS) =>
  HEADINGS[locale].map((heading) => ({ language: locale, lang: locale, heading }));

test('English by default and for a language the sidecar does not speak; French and German when asked', async () => {
  expect(await headingsFor(undefined)).toEqual(expected('en'));
  expect(await headingsFor('es-ES,es;q=0.9')).toEqual(expected('en'));
  expect(await headingsFor('fr-CH, fr;q=0.9, en;q=0.8')).toEqual(expected('fr'));
  expect(await headingsFor('de-AT,de;q=0.9')).toEqual(expected('de'));
});

test('a French browser gets the whole page in French, sound; a German one in German', async () => {
  for (const [locale, title, button] of [
    ['fr', 'Téléphone perdu ou remplacé\u00a0?', 'M’envoyer un lien de récupération'],
    ['de', 'Telefon verloren oder ersetzt?', 'Wiederherstellungslink senden'],
  ] as const) {
    const context = await browser.newContext({ locale: `${locale}-${locale.toUpperCase()}` });
    const page = trackDocuments(await context.newPage());
    await page.goto(`${(sidecar as Sidecar).url}/recovery`);
    expect(await expectSoundEndUserPage(page, `/recovery in ${locale}`, locale)).toBe(title);
    await page.fill('#identifier', 'nobody');
    await page.getByRole('button', { name: button }).click();
    expect(await expectSoundEndUserPage(page, `answer in ${locale}`, locale)).toBe(HEADINGS[locale][1]);
    await context.close();
  }
});

describe('a realm with internationalization on, default French, at helpdesk-only', () => {
  beforeAll(async () => {
    await withPolicy(
      { recovery: { level: 'helpdesk-only' } },
      { internationalizationEnabled: true, supportedLocales: ['en', 'fr', 'de'], defaultLocale: 'fr' },
    );
  }, 120_000);

  test("the realm's default when the browser asks for no language the sidecar speaks; the browser's otherwise", async () => {
    const [page] = await headingsFor('es');
    expect(page).toEqual(expected('fr')[0]);
    expect((await headingsFor(undefined))[0]).toEqual(expected('fr')[0]);
    expect((await headingsFor('de'))[0]).toEqual(expected('de')[0]);
    expect((await headingsFor('en-US'))[0]).toEqual(expected('en')[0]);
  });

  test('the lost-phone page without a form says what to do instead, sound', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = trackDocuments(await context.newPage());
    await page.goto(`${(sidecar as Sidecar).url}/recovery`);
    expect(await expectSoundEndUserPage(page, '/recovery at helpdesk-only')).toBe('Lost or replaced your phone?');
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('This service does not send lost-phone links.');
    await context.close();
  });

  test("after the sign-in, the user's locale comes before the browser's language", async () => {
    await createTestUser(kc, target.realm, 'dora', {
      credentials: [otpCredential('Dora phone', SECRET_A)],
      extra: { attributes: { locale: ['de'] } },
    });
    const context = await browser.newContext({ locale: 'en-US' });
    const page = trackDocuments(await context.newPage());
    await page.goto(`${(sidecar as Sidecar).url}/recovery/complete`);
    await page.getByRole('link', { name: 'Continue to sign-in' }).click();
    const kcPages = new KeycloakPages(page);
    await kcPages.signIn('dora', passwordOf('dora'));
    await kcPages.enterOtp(await codeFor({ secret: SECRET_A }));
    await page.waitForURL((url) => url.href.startsWith(`${(sidecar as Sidecar).url}/recovery/complete?`), {
      timeout: 15_000,
    });
    expect(await expectSoundEndUserPage(page, 'nothing-pending for dora', 'de')).toBe('Nichts zu bestätigen');
    await context.close();
  }, 60_000);
});
