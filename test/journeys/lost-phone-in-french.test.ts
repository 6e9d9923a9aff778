/**
 * Journey 2 in French: the README's "I lost my phone" steps for a user whose `locale` is `fr`, in a browser
 * that asks for French, on a realm that offers en/fr/de. Every page on the way (the sidecar's lost-phone page
 * and its answer, Keycloak's email-link, OTP setup and sign-in pages, the sidecar's completion page) and every
 * email (Keycloak's "Mettre à jour votre compte", the sidecar's device notices) is in French, and the journey
 * ends as in English: the old phone retired only after the password and the new phone were proven.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { type Journey, startJourney, step } from '../support/journey.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { completeRecovery, followRecoveryLink, type RecoveryWords } from '../support/recovery.js';
import { DISTANT_DEADLINE } from '../support/sidecar-realm.js';
import { linkIn } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';

const FRENCH: RecoveryWords = {
  proceed: /Cliquez ici/,
  accountUpdated: 'Votre compte a été mis à jour.',
  continueToSignIn: 'Continuer vers la connexion',
};
const ADDRESS = 'margot@example.org';

let journey: Journey;
let context: BrowserContext;
let page: Page;
let kcPages: KeycloakPages;
let userId: string;

beforeAll(async () => {
  journey = await startJourney('lost-phone-fr', { policy: { enforcement: DISTANT_DEADLINE } });
  const realm = journey.target.realm;
  // Keycloak keeps a user's `locale` (and serves it) only when the realm has internationalization on.
  await journey.kc.realms.update(
    { realm },
    { internationalizationEnabled: true, supportedLocales: ['en', 'fr', 'de'], defaultLocale: 'en' },
  );
  userId = await createTestUser(journey.kc, realm, 'margot', {
    credentials: [otpCredential('Ancien téléphone', SECRET_A, Date.UTC(2025, 5, 1))],
    extra: { attributes: { locale: ['fr'] } },
  });
  await journey.sidecar.mirror.syncUser(userId);
  context = await journey.browser.newContext({ locale: 'fr-FR' });
  page = await context.newPage();
  kcPages = new KeycloakPages(page);
});

afterAll(async () => {
  await context?.close();
  await journey?.close();
});

const otpLabels = async () =>
  (await journey.kc.users.getCredentials({ realm: journey.target.realm, id: userId }))
    .filter((c) => c.type === 'otp')
    .map((c) => c.userLabel)
    .sort();

const mailTo = (subject: RegExp) => journey.mail.waitFor((m) => m.to.includes(ADDRESS) && subject.test(m.subject));

test('the lost-phone page, the email, the new phone and the proving sign-in, all in French', async () => {
  const sidecarUrl = journey.sidecar.url;
  await step(journey, [page], 'demander-un-lien', async () => {
    await page.goto(`${sidecarUrl}/recovery`);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.getByLabel('Nom d’utilisateur ou adresse e-mail').fill(ADDRESS);
    await page.getByRole('button', { name: 'M’envoyer un lien de récupération' }).click();
    await kcPages.waitForText('Si un compte correspond, un e-mail contenant un lien de récupération est en route.');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
  });

  // Keycloak's execute-actions email, in the user's language.
  const email = await mailTo(/^Mettre à jour votre compte$/);
  expect(email.text).not.toContain('Update Your Account');
  expect(await otpLabels()).toEqual(['Ancien téléphone']);

  const newPhone = await step(journey, [page], 'nouveau-telephone', async () => {
    const phone = await followRecoveryLink(page, linkIn(email), 'Nouveau téléphone', FRENCH);
    expect(await kcPages.language()).toBe('fr');
    expect(await kcPages.backToApplicationHref(/Revenir à l'application/)).toBe(`${sidecarUrl}/recovery/complete`);
    return phone;
  });

  await step(journey, [page], 'connexion-de-confirmation', async () => {
    await page.goto(`${sidecarUrl}/recovery/complete`);
    expect(await page.locator('h1').first().textContent()).toBe('Confirmez votre nouveau téléphone');
    expect(
      await completeRecovery(page, sidecarUrl, 'margot', passwordOf('margot'), newPhone, 'Nouveau téléphone', FRENCH),
    ).toBe('Récupération terminée');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
  });

  await step(journey, [page], 'ancien-telephone-retire', async () => {
    expect(await otpLabels()).toEqual(['Nouveau téléphone']);
    await mailTo(/^Un nouvel authentificateur a été ajouté à votre compte /);
    const retired = await mailTo(/^Vos anciens authentificateurs ont été retirés de votre compte /);
    expect(retired.text).toContain('Bonjour margot,');
    expect(retired.text).toContain('"Ancien téléphone"');
  });
}, 150_000);

test("the proving sign-in asks Keycloak for the lost-phone page's language before Keycloak knows the user", async () => {
  const response = await fetch(`${journey.sidecar.url}/recovery/complete?start=1`, {
    headers: { 'accept-language': 'de-CH,de;q=0.9' },
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get('location') as string);
  expect(location.searchParams.get('ui_locales')).toBe('de');
  // Keycloak's sign-in page follows it (ui_locales comes before Accept-Language; the user is not known yet).
  const german = await (await journey.browser.newContext({ locale: 'en-US' })).newPage();
  await german.goto(location.href);
  expect(await new KeycloakPages(german).language()).toBe('de');
  await german.context().close();
});
