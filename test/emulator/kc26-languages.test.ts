/**
 * Keycloak 26's languages on its login pages and emails, in Chromium, as a person meets them — each checked
 * the way it holds on a real Keycloak 26 (DefaultLocaleSelectorProvider: the user's pick with `kc_locale`,
 * the user's `locale` attribute, `ui_locales`, the KEYCLOAK_LOCALE cookie, Accept-Language, the realm's
 * default; LocaleUtil.processLocaleParam; UpdateUserLocaleAction; keycloak.v2 template.ftl's language menu;
 * FreeMarkerEmailTemplateProvider's resolveLocale(user)). The lab's own realm (`app`) has internationalization off.
 */
import { createTestRealm, describeEmulatorOnly } from '../support/keycloak.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import type { RelyingParty } from '../support/oidc-app.js';
import { startRegisteredRelyingParty } from '../support/oidc-app.js';
import { linkIn } from '../support/smtp.js';
import { otpCredential } from '../support/users.js';
import {
  app,
  BASE32_SECRET_A,
  browser,
  context,
  kc,
  kcPages,
  kut,
  mail,
  nextStepCode,
  page,
  setUpAuthenticator,
  useLoginPagesLab,
} from './login-pages-lab.js';

useLoginPagesLab();

let i18nRealm: string;
let i18nApp: RelyingParty;
beforeAll(async () => {
  i18nRealm = await createTestRealm(kc, 'langs', {
    displayName: 'Languages Lab',
    internationalizationEnabled: true,
    supportedLocales: ['en', 'fr', 'de'],
    defaultLocale: 'en',
    resetPasswordAllowed: true,
    eventsEnabled: true,
    smtpServer: { host: mail.host, port: String(mail.port), from: 'keycloak@example.org' },
  });
  i18nApp = await startRegisteredRelyingParty(kc, kut.baseUrl, i18nRealm);
});
afterAll(async () => {
  await i18nApp?.close();
});

const createI18nUser = async (username: string, extra: Record<string, unknown> = {}, credentials: unknown[] = []) =>
  (
    await kc.users.create({
      realm: i18nRealm,
      username,
      enabled: true,
      email: `${username}@example.org`,
      emailVerified: true,
      firstName: username,
      lastName: 'Tester',
      credentials: [{ type: 'password', value: `${username}-password`, temporary: false }, ...credentials] as never,
      ...extra,
    })
  ).id;

/** Back at the application with a code, as after a successful sign-in. */
const expectSignedIn = async (pages: KeycloakPages = kcPages) => {
  await pages.page.waitForSelector('#app');
  expect(i18nApp.callbacks.at(-1)?.get('code')).toEqual(expect.any(String));
};

const localeCookie = async () => (await context.cookies()).find((c) => c.name === 'KEYCLOAK_LOCALE')?.value;

describe('choosing the language of the sign-in page', () => {
  test('the language menu lists the supported languages by name; picking Français reloads the page in French (kc_locale) and sets KEYCLOAK_LOCALE', async () => {
    await page.goto(i18nApp.authorizeUrl());
    expect(await kcPages.language()).toBe('en');
    expect(await kcPages.title()).toBe('Sign in to your account');
    expect(await kcPages.languages()).toEqual(['Deutsch', 'English', 'Français']);

    await kcPages.switchLanguage('Français');
    expect(page.url()).toContain('/login-actions/');
    expect(await kcPages.language()).toBe('fr');
    expect(await kcPages.title()).toBe('Connectez-vous à votre compte');
    expect(await localeCookie()).toBe('fr');
    // The pick holds for the rest of the login: a wrong password is answered in French.
    await createI18nUser('lea');
    await kcPages.signIn('lea', 'not-her-password');
    expect(await kcPages.errorOf('username')).toBe("Nom d'utilisateur ou mot de passe invalide.");
  });

  test('ui_locales from the application: the first supported language it names', async () => {
    await page.goto(`${i18nApp.authorizeUrl()}&ui_locales=fr`);
    expect(await kcPages.title()).toBe('Connectez-vous à votre compte');
    await page.goto(`${i18nApp.authorizeUrl()}&ui_locales=${encodeURIComponent('es de-AT')}`);
    expect(await kcPages.language()).toBe('de');
    expect(await kcPages.title()).toBe('Bei Ihrem Konto anmelden');
  });

  test("Accept-Language picks German on an anonymous page; the realm's default when nothing matches", async () => {
    const german = await browser.newContext({ locale: 'de-DE' });
    const germanPages = new KeycloakPages(await german.newPage());
    try {
      await germanPages.page.goto(i18nApp.authorizeUrl());
      expect(await germanPages.language()).toBe('de');
      expect(await germanPages.title()).toBe('Bei Ihrem Konto anmelden');
    } finally {
      await german.close();
    }
    const italian = await browser.newContext({ locale: 'it-IT' });
    const italianPages = new KeycloakPages(await italian.newPage());
    try {
      await italianPages.page.goto(i18nApp.authorizeUrl());
      expect(await italianPages.language()).toBe('en');
    } finally {
      await italian.close();
    }
  });

  test('internationalization off: English whatever the browser, ui_locales or kc_locale ask, and no language menu', async () => {
    const french = await browser.newContext({ locale: 'fr-FR' });
    const frenchPages = new KeycloakPages(await french.newPage());
    try {
      await frenchPages.page.goto(`${app.authorizeUrl()}&ui_locales=fr`);
      expect(await frenchPages.language()).toBe('en');
      expect(await frenchPages.title()).toBe('Sign in to your account');
      expect(await frenchPages.languages()).toEqual([]);
      const action = await frenchPages.page.getAttribute('#kc-form-login', 'action');
      await frenchPages.page.goto(`${action}&kc_locale=fr`);
      expect(await frenchPages.title()).toBe('Sign in to your account');
    } finally {
      await french.close();
    }
  });
});

describe("the user's locale", () => {
  test('a user with locale fr gets the OTP setup page, the execute-actions email and its pages in French', async () => {
    const id = await createI18nUser('amelie', { attributes: { locale: ['fr'] }, requiredActions: ['CONFIGURE_TOTP'] });
    expect((await kc.users.findOne({ realm: i18nRealm, id }))?.attributes?.locale).toEqual(['fr']);

    await page.goto(i18nApp.authorizeUrl());
    expect(await kcPages.title()).toBe('Sign in to your account'); // not known yet
    await kcPages.signIn('amelie', 'amelie-password');
    expect(await kcPages.title()).toBe("Configuration de l'authentification par mobile");
    expect(await kcPages.language()).toBe('fr');
    expect(await page.textContent('label[for=totp]')).toContain('Code à usage unique');
    expect(await page.textContent('label[for=userLabel]')).toContain("Nom d'appareil");
    await setUpAuthenticator('Téléphone');
    await expectSignedIn();

    const sent = mail.messages.length;
    await kc.users.executeActionsEmail({
      realm: i18nRealm,
      id,
      actions: ['CONFIGURE_TOTP', 'UPDATE_PASSWORD'],
      clientId: 'webapp',
      redirectUri: i18nApp.redirectUri,
    });
    const email = await mail.waitFor((m) => m.to.includes('amelie@example.org') && mail.messages.indexOf(m) >= sent);
    expect(email.subject).toBe('Mettre à jour votre compte');

    const other = await browser.newContext();
    const otherPages = new KeycloakPages(await other.newPage());
    try {
      await otherPages.page.goto(linkIn(email));
      expect(await otherPages.infoMessage()).toContain('Configurer OTP');
      await otherPages.proceed('» Cliquez ici');
      expect(await otherPages.title()).toBe("Configuration de l'authentification par mobile");
      const entry = await otherPages.scanOtpQrCode();
      await otherPages.submitOtpSetup(await nextStepCode(entry), 'Tablette');
      expect(await otherPages.title()).toBe('Mise à jour du mot de passe');
      await otherPages.updatePassword('amelie-new-password');
      expect(await otherPages.infoMessage()).toContain('Votre compte a été mis à jour.');
    } finally {
      await other.close();
    }
  });

  test("picking a language once the user is known stores it as the user's locale (update_user_locale), and the user's next login follows it", async () => {
    const id = await createI18nUser('dieter', {}, [otpCredential('Phone', BASE32_SECRET_A)]);
    await page.goto(i18nApp.authorizeUrl());
    await kcPages.signIn('dieter', 'dieter-password');
    await page.locator('#kc-otp-login-form').waitFor();
    await kcPages.switchLanguage('Deutsch');
    expect(await kcPages.language()).toBe('de');
    await kcPages.enterOtp(await nextStepCode({ secret: BASE32_SECRET_A }));
    await expectSignedIn();

    expect((await kc.users.findOne({ realm: i18nRealm, id }))?.attributes?.locale).toEqual(['de']);
    const events = await kc.realms.findEvents({ realm: i18nRealm, user: id, type: 'UPDATE_PROFILE' });
    expect(events[0]?.details).toMatchObject({ updated_locale: 'de' });
    expect(await localeCookie()).toBe('de');

    const fresh = await browser.newContext();
    const freshPages = new KeycloakPages(await fresh.newPage());
    try {
      await freshPages.page.goto(i18nApp.authorizeUrl());
      expect(await freshPages.language()).toBe('en');
      await freshPages.signIn('dieter', 'dieter-password');
      await freshPages.page.locator('#kc-otp-login-form').waitFor();
      expect(await freshPages.language()).toBe('de');
    } finally {
      await fresh.close();
    }
  });
});

describe('"Forgot Password?" in the language picked', () => {
  test('the pick survives the restart: the sign-in page says the email is on its way in French', async () => {
    await createI18nUser('margot', { attributes: { locale: ['fr'] } });
    await page.goto(i18nApp.authorizeUrl());
    await kcPages.switchLanguage('Français');
    const sent = mail.messages.length;
    await kcPages.forgotPassword('margot', 'Mot de passe oublié ?');
    expect(await kcPages.alertText()).toBe(
      'Vous devriez recevoir rapidement un courriel avec de plus amples instructions.',
    );
    await mail.waitFor((m) => m.to.includes('margot@example.org') && mail.messages.indexOf(m) >= sent);
  });
});

describeEmulatorOnly('the emulator’s email wording in the user’s language', () => {
  test('reset-credentials and execute-actions emails of a German user: German subject, action names and lifespan', async () => {
    const id = await createI18nUser('jonas', { attributes: { locale: ['de'] } });
    const sent = mail.messages.length;
    await kc.users.executeActionsEmail({ realm: i18nRealm, id, actions: ['UPDATE_PASSWORD'], lifespan: 7200 });
    const email = await mail.waitFor((m) => m.to.includes('jonas@example.org') && mail.messages.indexOf(m) >= sent);
    expect(email.subject).toBe('Aktualisieren Sie Ihr Konto');
    expect(email.text).toContain('Passwort aktualisieren');
    expect(email.text).toContain('Der Link läuft in 2 Stunden ab.');

    await page.goto(i18nApp.authorizeUrl());
    await kcPages.forgotPassword('jonas');
    const reset = await mail.waitFor(
      (m) => m.to.includes('jonas@example.org') && m.subject === 'Passwort zurücksetzen',
    );
    expect(reset.text).toContain('Languages Lab');
  });
});
