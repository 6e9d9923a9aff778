/**
 * The staff pages in the staff member's language, in Chromium. The realm offers English, French and German
 * (internationalization on, so Keycloak keeps a user's `locale` attribute and its profile scope puts it in
 * tokens). claire (locale fr) works in French even from a German browser: she signs in, finds una, removes
 * her old phone with ticket, motif and the code una reads back, and the page announces it in French; the
 * page's errors (a wrong code) are in French too, and axe-core finds nothing serious in French. dieter
 * (no locale) gets the Rollout tab in German from his browser's Accept-Language, numbers and days
 * included. Before anyone signs in, the pages follow Accept-Language.
 */
import type { Page } from 'playwright-core';
import { severeViolations } from '../support/axe.js';
import { type Journey, startJourney, step } from '../support/journey.js';
import { KeycloakPages } from '../support/keycloak-pages.js';
import { DISTANT_DEADLINE, grantRealmRoles } from '../support/sidecar-realm.js';
import { allowHelpdeskRedirect, freshCode } from '../support/staff-sign-in.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A, SECRET_B } from '../support/users.js';

const STAFF_SECRET = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U';

let journey: Journey;

beforeAll(async () => {
  journey = await startJourney('helpdesk-languages', { policy: { enforcement: DISTANT_DEADLINE } });
  const { kc, target, sidecar } = journey;
  const realm = target.realm;
  // Keycloak keeps a user's locale only while the realm has internationalization on.
  await kc.realms.update(
    { realm },
    { internationalizationEnabled: true, supportedLocales: ['en', 'fr', 'de'], defaultLocale: 'en' },
  );
  const una = await createTestUser(kc, realm, 'una', {
    credentials: [otpCredential('Pixel 8', SECRET_A), otpCredential('Old iPhone', SECRET_B)],
  });
  await sidecar.mirror.syncUser(una);
  const claire = await createTestUser(kc, realm, 'claire', {
    credentials: [otpCredential('Téléphone', STAFF_SECRET)],
    extra: { attributes: { locale: ['fr'] } },
  });
  expect((await kc.users.findOne({ realm, id: claire }))?.attributes?.locale).toEqual(['fr']);
  await grantRealmRoles(kc, realm, claire, ['otp-helpdesk']);
  const dieter = await createTestUser(kc, realm, 'dieter', { credentials: [otpCredential('Handy', STAFF_SECRET)] });
  await grantRealmRoles(kc, realm, dieter, ['otp-helpdesk', 'otp-helpdesk-admin']);
  await allowHelpdeskRedirect(kc, realm, sidecar.url);
  await sidecar.runEnforcement();
}, 120_000);

afterAll(() => journey?.close());

/** A browser whose Accept-Language asks for `locale`, signed in to the helpdesk at `path` as `username`. */
const signedInPage = async (locale: string, username: string, path = '/helpdesk') => {
  const context = await journey.browser.newContext({ locale, viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${journey.sidecar.url}${path}`);
  const kcPages = new KeycloakPages(page);
  await kcPages.signIn(username, passwordOf(username));
  await kcPages.enterOtp(await freshCode(username, STAFF_SECRET));
  await page.waitForURL(`${journey.sidecar.url}${path}`);
  return page;
};

/** Content-Security-Policy complaints the page logs (the messages block must not raise any). */
const cspComplaints = (page: Page) => {
  const complaints: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) complaints.push(message.text());
  });
  return complaints;
};

describe('claire, whose locale is fr, from a German browser', () => {
  let page: Page;
  let complaints: string[];

  beforeAll(async () => {
    page = await signedInPage('de-DE', 'claire');
    complaints = cspComplaints(page);
    await page.reload();
  }, 60_000);

  test('finds una and removes her old phone with ticket, motif and code; the result is announced in French', async () => {
    await step(journey, [page], 'french-remove-device', async () => {
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      expect(await page.textContent('header h1')).toContain('Assistance OTP');
      expect(await page.textContent('form.signout')).toContain('Connecté en tant que');
      await page.getByRole('searchbox', { name: 'Rechercher un utilisateur par identifiant' }).fill('una');
      await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
      await page.locator('#status', { hasText: '1 utilisateur(s) trouvé(s).' }).waitFor();
      await page.getByRole('button', { name: 'una', exact: true }).click();
      await page.getByRole('heading', { name: 'Appareils' }).waitFor();
      await page.getByRole('button', { name: 'Supprimer l’appareil Old iPhone' }).click();
      await page.getByRole('dialog', { name: 'Supprimer l’appareil « Old iPhone » de una ?' }).waitFor();
      await page.getByLabel('Ticket (obligatoire').fill('INC-4711');
      await page.getByLabel('Motif (obligatoire').fill('Téléphone remplacé, appel depuis le poste du bureau');
      await page.getByRole('button', { name: 'Envoyer un code à l’adresse e-mail de l’utilisateur' }).click();
      await page.locator('#code-status', { hasText: 'Code envoyé à l’adresse e-mail du compte.' }).waitFor();
      const mailed = await journey.mail.waitFor(
        (m) => m.to.includes('una@example.org') && m.subject.includes('helpdesk verification code'),
      );
      const code = /^\s+(\d{6})\s*$/m.exec(mailed.text)?.[1] as string;
      // A wrong code: the API's error code, in French words.
      await page.getByLabel('Code lu par l’appelant').fill(code === '000000' ? '111111' : '000000');
      await page.getByRole('button', { name: 'Supprimer l’appareil', exact: true }).click();
      await page.locator('#confirm-error', { hasText: 'Le code de vérification est incorrect.' }).waitFor();
      expect(await severeViolations(page, 'French dialog with an error')).toEqual([]);
      await page.getByLabel('Code lu par l’appelant').fill(code);
      await page.getByRole('button', { name: 'Supprimer l’appareil', exact: true }).click();
      await page.locator('#status', { hasText: /^Appareil supprimé \(audit no \d+\)\.$/ }).waitFor();
      // The user is shown again: the device removed (in French, its date as French writes it), the audit rows (the refused try too).
      await page.locator('#devices tbody tr', { hasText: 'Old iPhone' }).filter({ hasText: 'supprimé le' }).waitFor();
      await page.locator('#audit tbody tr', { hasText: 'INC-4711' }).first().waitFor();
    });
    const [una] = await journey.kc.users.find({ realm: journey.target.realm, username: 'una', exact: true });
    const left = await journey.kc.users.getCredentials({ realm: journey.target.realm, id: una?.id as string });
    expect(left.filter((c) => c.type === 'otp').map((c) => c.userLabel)).toEqual(['Pixel 8']);
  }, 90_000);

  test('axe-core finds nothing serious in French; the words block passes the CSP', async () => {
    expect(await severeViolations(page, 'French, a user with devices and audit trail')).toEqual([]);
    await page.getByRole('button', { name: 'Réinitialiser l’OTP…' }).click();
    await page.waitForSelector('#confirm[open]');
    expect(await page.textContent('#confirm-title')).toBe('Réinitialiser l’OTP de una ?');
    expect(await page.textContent('#confirm-text')).toContain('Indiquez-lui la dernière étape');
    expect(await severeViolations(page, 'French reset dialog')).toEqual([]);
    await page.keyboard.press('Escape');
    await page.fill('#search', 'personne-de-ce-nom');
    await page.press('#search', 'Enter');
    await page.locator('#status', { hasText: 'Aucun utilisateur ne correspond.' }).waitFor();
    expect(await severeViolations(page, 'French, no match')).toEqual([]);
    // The words travel as data: a JSON block the browser never runs, and no inline script anywhere.
    expect(await page.locator('script#staff-messages[type="application/json"]').count()).toBe(1);
    expect(await page.locator('script:not([src]):not([type="application/json"])').count()).toBe(0);
    expect(complaints).toEqual([]);
  });
});

test('dieter, without a locale, gets the Rollout tab in German from his browser', async () => {
  const page = await signedInPage('de-DE', 'dieter', '/helpdesk/rollout');
  await step(journey, [page], 'german-rollout', async () => {
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    const tabs = page.getByRole('navigation', { name: 'Bereiche des Helpdesks' });
    expect(await tabs.getByRole('link', { name: 'Einführung' }).getAttribute('aria-current')).toBe('page');
    expect(await page.textContent('#summary-h')).toMatch(/^Heute \(\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}\)$/);
    expect(await page.textContent('#kpi-deadline')).toBe('1. Januar 2099');
    expect(await page.textContent('#kpi-enrolled')).toMatch(/^\d+ \([\d,]+\s%\)$/);
    expect(await page.locator('#enrolment-title').textContent()).toBe('Einrichtung im Zeitverlauf');
    expect(await page.getByRole('link', { name: 'Ausstehende Benutzer herunterladen (CSV)' }).count()).toBe(1);
    expect(await severeViolations(page, 'German rollout tab')).toEqual([]);
  });
  // The CSV stays machine-read: English column names whatever the language.
  const csv = await page.request.get(`${journey.sidecar.url}/api/v1/rollout/pending.csv`);
  expect((await csv.text()).split('\r\n')[0]).toBe('user_id,username,email,deadline,status');
  await page.context().close();
}, 60_000);

test('before anyone signs in, the pages follow Accept-Language', async () => {
  const get = (path: string, language: string) =>
    fetch(`${journey.sidecar.url}${path}`, { headers: { 'accept-language': language } }).then((r) => r.text());
  expect(await get('/helpdesk/signed-out', 'fr-CH, en;q=0.5')).toMatch(/<html lang="fr">[\s\S]*<h1>Déconnecté<\/h1>/);
  expect(await get('/helpdesk/callback', 'de')).toMatch(/<html lang="de">[\s\S]*<h1>Anmeldung abgelaufen<\/h1>/);
  expect(await get('/helpdesk/signed-out', 'it')).toContain('<h1>Signed out</h1>');
});
